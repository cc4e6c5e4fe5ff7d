import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lazy } from '#shared/lazy.js';
import { awsClientConfig } from '../aws.js';

/**
 * The document client the stores are written for: attributes left `undefined` are dropped, as the stores write
 * optional fields that way.
 */
export function documentClientOf(client: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** The container's one DynamoDB document client; its own module, so a function without orders bundles no order store. */
export const documentClient = lazy(() => documentClientOf(new DynamoDBClient(awsClientConfig())));
