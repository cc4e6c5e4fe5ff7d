import { DocumentClient } from '#shared/aws/dynamodb.js';
import { lazy } from '#shared/lazy.js';
import { signedCallSettings } from '../aws.js';

/** The container's one DynamoDB document client; its own module, so a function without orders bundles no order store. */
export const documentClient = lazy(() => new DocumentClient(signedCallSettings('DYNAMODB')));
