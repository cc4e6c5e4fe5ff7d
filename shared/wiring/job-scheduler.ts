import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { JobScheduler } from '#shared/jobs/messages.js';

export interface SchedulerOptions {
  client: SchedulerClient;
  groupName: string;
  /** The role EventBridge Scheduler assumes to send to the queue. */
  roleArn: string;
  queueArn: string;
}

/**
 * One-time EventBridge Scheduler schedules (`at(...)`, deleted once run) that send a job's `start` message to
 * the jobs queue. Locally `AWS_ENDPOINT_URL_SCHEDULER` points the client at the local runtime's scheduler,
 * which speaks the same two calls.
 */
export class EventBridgeJobScheduler implements JobScheduler {
  constructor(private readonly options: SchedulerOptions) {}

  /** Creating a schedule that exists (a replayed request, or a retry after a lost answer) is not an error. */
  async schedule(jobId: string, at: Date): Promise<void> {
    // at() counts whole seconds: the next one, so that the schedule never fires before the job's time.
    const second = new Date(Math.ceil(at.getTime() / 1000) * 1000);
    try {
      await this.options.client.send(
        new CreateScheduleCommand({
          Name: jobId,
          GroupName: this.options.groupName,
          ScheduleExpression: `at(${second.toISOString().slice(0, 19)})`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          ClientToken: jobId,
          Target: {
            Arn: this.options.queueArn,
            RoleArn: this.options.roleArn,
            Input: JSON.stringify({ jobId, step: 'start' }),
          },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConflictException)) throw error;
    }
  }

  /** Deleting a schedule already gone (it ran, or a retry after a lost answer) is not an error. */
  async cancel(jobId: string): Promise<void> {
    try {
      await this.options.client.send(
        new DeleteScheduleCommand({ Name: jobId, GroupName: this.options.groupName }),
      );
    } catch (error) {
      if (!(error instanceof ResourceNotFoundException)) throw error;
    }
  }
}
