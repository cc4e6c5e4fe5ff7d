import { lazy } from '#shared/lazy.js';
import { createDocumentClient } from '#shared/store/dynamo-support.js';
import { awsClientSettings } from '../aws.js';

/** The container's one DynamoDB document client; its own module, so a function without orders bundles no order store. */
export const documentClient = lazy(() => createDocumentClient(awsClientSettings()));
