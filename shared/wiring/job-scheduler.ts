import type { SignatureV4 } from '@smithy/signature-v4';
import type { JobScheduler } from '#shared/jobs/messages.js';
import { serviceEndpoint, sigV4Signer } from '../aws-request.js';
import { signUrlRequest } from '../sign-url-request.js';

export interface SchedulerOptions {
  region: string;
  /** Default: the region's EventBridge Scheduler endpoint. */
  endpoint?: string | undefined;
  groupName: string;
  /** The role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
  queueArn: string;
  credentials: () => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>;
  /** Tests: a stand-in for the global fetch. */
  fetch?: typeof fetch;
}

/**
 * One-time EventBridge Scheduler schedules (`at(...)`, deleted once run) that send a job's `start` message to
 * the jobs queue. Two calls of the Scheduler's REST API, signed with SigV4: the SDK's Scheduler client is not a
 * dependency of the project for them. Locally `AWS_ENDPOINT_URL_SCHEDULER` points at the local runtime's
 * scheduler, which speaks the same two calls.
 */
export class EventBridgeJobScheduler implements JobScheduler {
  readonly #options: SchedulerOptions;
  readonly #signer: SignatureV4;
  readonly #endpoint: URL;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#endpoint = serviceEndpoint('scheduler', options);
    this.#signer = sigV4Signer('scheduler', options.region, options.credentials);
  }

  /** Creating a schedule that exists (a replayed request) is not an error. */
  async schedule(jobId: string, at: Date): Promise<void> {
    // at() counts whole seconds: the next one, so that the schedule never fires before the job's time.
    const second = new Date(Math.ceil(at.getTime() / 1000) * 1000);
    const body = JSON.stringify({
      GroupName: this.#options.groupName,
      ScheduleExpression: `at(${second.toISOString().slice(0, 19)})`,
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      ClientToken: jobId,
      Target: {
        Arn: this.#options.queueArn,
        RoleArn: this.#options.roleArn,
        Input: JSON.stringify({ jobId, step: 'start' }),
      },
    });
    const status = await this.#call('POST', `/schedules/${encodeURIComponent(jobId)}`, {}, body);
    if (status !== 200 && status !== 409)
      throw new Error(`EventBridge Scheduler refused the schedule: ${status}`);
  }

  async cancel(jobId: string): Promise<void> {
    const status = await this.#call('DELETE', `/schedules/${encodeURIComponent(jobId)}`, {
      groupName: this.#options.groupName,
    });
    if (status !== 200 && status !== 404)
      throw new Error(`EventBridge Scheduler refused the delete: ${status}`);
  }

  async #call(method: string, path: string, query: Record<string, string>, body?: string): Promise<number> {
    const url = new URL(path, this.#endpoint);
    for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
    const headers = await signUrlRequest(this.#signer, {
      method,
      url,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body,
    });
    const response = await (this.#options.fetch ?? fetch)(url, {
      method,
      headers,
      ...(body === undefined ? {} : { body }),
      signal: AbortSignal.timeout(5_000),
    });
    await response.arrayBuffer();
    return response.status;
  }
}
