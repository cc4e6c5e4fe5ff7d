import { SNSClient } from '@aws-sdk/client-sns';
import { lazy } from '#shared/lazy.js';
import { awsClientConfig } from '../aws.js';

/** The container's one SNS client (the events topic's Publish and PublishBatch). */
export const snsClient = lazy(() => new SNSClient(awsClientConfig()));
