import { afterEach, describe, expect, it, vi } from 'vitest';
import { type HandlerLoader, invokeFunction, lambdaContext } from '#local/handlers.js';
import { functions } from '#shared/topology.js';

describe('invoking a function locally', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('gives a Context that counts down from the topology timeout', () => {
    vi.useFakeTimers();
    const context = lambdaContext('orders-api', 'req-1');
    expect(context).toMatchObject({
      functionName: 'local-orders-api',
      awsRequestId: 'req-1',
      memoryLimitInMB: '256',
      invokedFunctionArn: 'arn:aws:lambda:us-east-1:000000000000:function:local-orders-api',
      logGroupName: '/aws/lambda/local-orders-api',
    });
    const timeoutMs = functions['orders-api'].timeoutSeconds * 1000;
    expect(context.getRemainingTimeInMillis()).toBe(timeoutMs);
    vi.advanceTimersByTime(1_500);
    expect(context.getRemainingTimeInMillis()).toBe(timeoutMs - 1_500);
    vi.advanceTimersByTime(timeoutMs);
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('reports a handler that outlives its timeout, as Lambda would end it', async () => {
    vi.useFakeTimers();
    const never: HandlerLoader = async () => () => new Promise(() => {});
    const invocation = invokeFunction(never, 'orders-api', {});
    const { timeoutSeconds } = functions['orders-api'];
    await vi.advanceTimersByTimeAsync(timeoutSeconds * 1000);
    await expect(invocation).resolves.toEqual({ outcome: 'timedOut', timeoutSeconds });
  });

  it('reports a throw, and a loader failure, without rejecting', async () => {
    const failing: HandlerLoader = async () => async () => {
      throw new Error('boom');
    };
    await expect(invokeFunction(failing, 'orders-api', {})).resolves.toMatchObject({
      outcome: 'threw',
      error: expect.objectContaining({ message: 'boom' }),
    });
    const missing: HandlerLoader = async () => {
      throw new Error('no module');
    };
    await expect(invokeFunction(missing, 'orders-api', {})).resolves.toMatchObject({ outcome: 'threw' });
  });
});
