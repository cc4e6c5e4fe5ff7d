import type { ServerResponse } from 'node:http';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterEach, describe, expect, it } from 'vitest';
import { awsClientConfig } from '#shared/wiring/aws.js';
import { EventBridgeJobScheduler } from '#shared/wiring/job-scheduler.js';
import { startScriptedServer } from '#test/support/scripted-server.js';

/**
 * The jobs' one-time schedules through the SDK's Scheduler client (built as the functions build it), against a
 * stand-in of EventBridge Scheduler's REST API whose answers each test scripts: what is sent, and which
 * refusals are retried, taken as done, or surfaced.
 */

const servers: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A restJson error as the Scheduler answers it: the code in `x-amzn-errortype`. */
function refuse(res: ServerResponse, status: number, code: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': code });
  res.end(JSON.stringify({ Message: `${code} from the stand-in` }));
}

const ok = (res: ServerResponse, body: object = {}) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

async function schedulerAnswering(answers: ((res: ServerResponse) => void)[]) {
  let call = 0;
  const server = await startScriptedServer({
    '*': (_request, res) =>
      (answers[Math.min(call++, answers.length - 1)] as (res: ServerResponse) => void)(res),
  });
  servers.push(server);
  const client = new SchedulerClient({
    ...awsClientConfig(),
    region: 'eu-west-1',
    endpoint: server.url,
    credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' },
  });
  const scheduler = new EventBridgeJobScheduler({
    client,
    groupName: 'iot-dev-jobs',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:iot-dev-jobs',
  });
  return { scheduler, requests: server.requests };
}

describe('EventBridgeJobScheduler over the SDK client', () => {
  it("creates a one-time schedule at the next whole second that sends the job's start to the jobs queue", async () => {
    const { scheduler, requests } = await schedulerAnswering([(res) => ok(res, { ScheduleArn: 'arn' })]);
    await scheduler.schedule('job_01ABCDEFGHJK', new Date('2026-12-06T10:00:04.200Z'));
    const [request] = requests;
    expect(request?.method).toBe('POST');
    expect(request?.path).toBe('/schedules/job_01ABCDEFGHJK');
    expect(JSON.parse(request?.body ?? '{}')).toEqual({
      GroupName: 'iot-dev-jobs',
      ScheduleExpression: 'at(2026-12-06T10:00:05)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      ClientToken: 'job_01ABCDEFGHJK',
      Target: {
        Arn: 'arn:aws:sqs:eu-west-1:123456789012:iot-dev-jobs',
        RoleArn: 'arn:aws:iam::123456789012:role/scheduler',
        Input: '{"jobId":"job_01ABCDEFGHJK","step":"start"}',
      },
    });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/scheduler\/aws4_request, /,
    );
    expect(request?.headers['x-amz-security-token']).toBe('token');
  });

  it('retries a throttled or failed creation (429, 500) and then succeeds', async () => {
    const { scheduler, requests } = await schedulerAnswering([
      (res) => refuse(res, 429, 'ThrottlingException'),
      (res) => refuse(res, 500, 'InternalServerException'),
      (res) => ok(res, { ScheduleArn: 'arn' }),
    ]);
    await scheduler.schedule('job_01ABCDEFGHJK', new Date());
    expect(requests).toHaveLength(3);
    // The same client token each time: the Scheduler creates the schedule once however often it is asked.
    expect(new Set(requests.map((request) => JSON.parse(request.body).ClientToken))).toEqual(
      new Set(['job_01ABCDEFGHJK']),
    );
  });

  it('gives up after three attempts, the error named as the Scheduler names it', async () => {
    const { scheduler, requests } = await schedulerAnswering([
      (res) => refuse(res, 429, 'ThrottlingException'),
    ]);
    await expect(scheduler.schedule('job_01ABCDEFGHJK', new Date())).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(requests).toHaveLength(3);
  });

  it('takes an existing schedule as created (a replay), and surfaces a refusal without retrying it', async () => {
    const replay = await schedulerAnswering([(res) => refuse(res, 409, 'ConflictException')]);
    await expect(replay.scheduler.schedule('job_01ABCDEFGHJK', new Date())).resolves.toBeUndefined();
    const refused = await schedulerAnswering([(res) => refuse(res, 400, 'ValidationException')]);
    await expect(refused.scheduler.schedule('job_01ABCDEFGHJK', new Date())).rejects.toMatchObject({
      name: 'ValidationException',
    });
    expect(refused.requests).toHaveLength(1);
  });

  it('deletes a schedule of its group; one already gone is no error; a throttled delete is retried', async () => {
    const gone = await schedulerAnswering([(res) => refuse(res, 404, 'ResourceNotFoundException')]);
    await gone.scheduler.cancel('job_01ABCDEFGHJK');
    expect(gone.requests[0]?.method).toBe('DELETE');
    expect(gone.requests[0]?.path).toBe('/schedules/job_01ABCDEFGHJK');
    expect(new URLSearchParams(gone.requests[0]?.query).get('groupName')).toBe('iot-dev-jobs');

    const throttled = await schedulerAnswering([
      (res) => refuse(res, 429, 'ThrottlingException'),
      (res) => ok(res),
    ]);
    await throttled.scheduler.cancel('job_01ABCDEFGHJK');
    expect(throttled.requests).toHaveLength(2);
  });
});
