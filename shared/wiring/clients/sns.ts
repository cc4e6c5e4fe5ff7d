import { SNSClient } from '@aws-sdk/client-sns';
import { lazy } from '#shared/lazy.js';
import { awsClientSettings } from '../aws.js';

/** As the SQS client (clients/sqs.ts): the middleware stack is resolved once per command class. */
export const snsClient = lazy(() => new SNSClient({ ...awsClientSettings(), cacheMiddleware: true }));
