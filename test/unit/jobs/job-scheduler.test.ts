import { describe, expect, it } from 'vitest';
import { EventBridgeJobScheduler } from '#shared/wiring/job-scheduler.js';

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function scheduler(status = 200) {
  const sent: Sent[] = [];
  const fake = (async (url: URL, init: RequestInit) => {
    sent.push({
      url: String(url),
      method: String(init.method),
      headers: init.headers as Record<string, string>,
      ...(init.body === undefined ? {} : { body: String(init.body) }),
    });
    return new Response('{}', { status });
  }) as unknown as typeof fetch;
  const instance = new EventBridgeJobScheduler({
    region: 'eu-west-1',
    groupName: 'iot-dev-jobs',
    roleArn: 'arn:aws:iam::123456789012:role/scheduler',
    queueArn: 'arn:aws:sqs:eu-west-1:123456789012:iot-dev-jobs',
    credentials: async () => ({ accessKeyId: 'AKID', secretAccessKey: 'secret', sessionToken: 'token' }),
    fetch: fake,
  });
  return { instance, sent };
}

describe('EventBridgeJobScheduler', () => {
  it('creates a one-time schedule at the next whole second that sends the job’s start to the jobs queue', async () => {
    const { instance, sent } = scheduler();
    await instance.schedule('job_01ABCDEFGHJK', new Date('2026-12-06T10:00:04.200Z'));
    const [request] = sent;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('https://scheduler.eu-west-1.amazonaws.com/schedules/job_01ABCDEFGHJK');
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
      /^AWS4-HMAC-SHA256 Credential=AKID\/\d{8}\/eu-west-1\/scheduler\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers['x-amz-security-token']).toBe('token');
  });

  it('deletes a schedule of its group; one already gone is no error', async () => {
    const { instance, sent } = scheduler(404);
    await instance.cancel('job_01ABCDEFGHJK');
    expect(sent[0]?.method).toBe('DELETE');
    expect(sent[0]?.url).toBe(
      'https://scheduler.eu-west-1.amazonaws.com/schedules/job_01ABCDEFGHJK?groupName=iot-dev-jobs',
    );
  });

  it('takes an existing schedule as created (a replay), and throws on any other refusal', async () => {
    await expect(scheduler(409).instance.schedule('job_01ABCDEFGHJK', new Date())).resolves.toBeUndefined();
    await expect(scheduler(400).instance.schedule('job_01ABCDEFGHJK', new Date())).rejects.toThrow('400');
  });
});
