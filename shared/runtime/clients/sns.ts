import { SNSClient } from '@aws-sdk/client-sns';
import { awsClientSettings } from '../aws.js';
import { lazy } from '../lazy.js';

export const snsClient = lazy(() => new SNSClient(awsClientSettings()));
