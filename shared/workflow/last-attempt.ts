import type { SQSRecord } from 'aws-lambda';
import type { OrderMoveDeps } from './order-moves.js';
import { failOrder, holdForReview } from './order-moves.js';

/**
 * Runs a step; when it fails on the message's last delivery before the DLQ, the order is failed
 * first with the reason (or held for review when its plan may have been bought), so the order says why
 * while the message waits in the DLQ for an operator.
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
        const detail = `Gave up after ${receiveCount} attempts; the message is in the dead-letter queue. Last error: ${reason}`;
        // A claimed plan order may have been bought: failing it would invite a second purchase.
        const giveUp = order.status === 'ACTIVE' && order.planClaimedAt ? holdForReview : failOrder;
        await giveUp(deps, order, { code: 'PROCESSING_FAILED', detail }).catch(() => undefined);
      }
    }
    throw error;
  }
}
