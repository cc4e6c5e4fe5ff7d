import { SnsClient } from '#shared/aws/sns.js';
import { lazy } from '#shared/lazy.js';
import { signedCallSettings } from '../aws.js';

/** The container's one SNS client (Publish and PublishBatch, signed by the project: shared/aws/sns.ts). */
export const snsClient = lazy(() => new SnsClient(signedCallSettings('SNS')));
