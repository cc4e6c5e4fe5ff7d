import { SNSClient } from '@aws-sdk/client-sns';
import { lazy } from '#shared/lazy.js';
import { awsClientSettings } from '../aws.js';

export const snsClient = lazy(() => new SNSClient(awsClientSettings()));
