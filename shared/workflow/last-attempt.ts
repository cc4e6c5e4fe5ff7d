import type { SQSRecord } from 'aws-lambda';
import type { OrderMoveDeps } from './order-moves.js';
import { failOrder } from './order-moves.js';

/**
 * Runs a step; when it fails on the message's last delivery before the DLQ, the order is failed
 * first with the reason, so the order says why while the message waits in the DLQ for an operator.
 */
export async function failOrderOnLastAttempt(
  deps: OrderMoveDeps,
  orderId: string,
  record: Pick<SQSRecord, 'attributes'>,
  maxReceiveCount: number,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    if (receiveCount >= maxReceiveCount) {
      const order = await deps.store.get(orderId).catch(() => undefined);
      if (order) {
        const reason = error instanceof Error ? error.message : String(error);
        await failOrder(deps, order, {
          code: 'PROCESSING_FAILED',
          detail: `Gave up after ${receiveCount} attempts; the message is in the dead-letter queue. Last error: ${reason}`,
        }).catch(() => undefined);
      }
    }
    throw error;
  }
}
