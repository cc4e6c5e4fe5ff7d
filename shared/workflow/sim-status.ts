import type { OcsOrderType, Order } from '../store/order.js';
import type { Subscriber } from '../transatel/connectivity.js';
import type { WorkflowDeps, WorkflowTransatel } from './deps.js';
import { failureFromTransatel, isPermanentTransatelError } from './failures.js';
import { failOrder } from './order-moves.js';

/**
 * The SIM as the order steps see it: read once per step (a permanent refusal fails the order, a transient one is
 * thrown for SQS to deliver again), and what its status allows a plan order to be.
 */
export async function readSubscriber(
  deps: WorkflowDeps<Pick<WorkflowTransatel, 'connectivity'>>,
  order: Order,
): Promise<Subscriber | undefined> {
  try {
    return await deps.transatel.connectivity.getSubscriber(order.iccid);
  } catch (error) {
    if (!isPermanentTransatelError(error)) throw error;
    await failOrder(deps, order, failureFromTransatel(error, 'SUBSCRIBER_LOOKUP_FAILED'));
    return undefined;
  }
}

/** How a plan can be ordered on a SIM in this status (preload before first use, subscribe once in service), if at all. */
export function planOrderFor(subscriber: Subscriber): { orderType: OcsOrderType; note: string } | undefined {
  switch (subscriber.status) {
    case 'Pre-activated':
      return { orderType: 'preload', note: 'SIM pre-activated' };
    case 'Active':
      return { orderType: 'subscribe', note: 'SIM already active' };
    case 'TestMode':
      // An account in IoT test mode puts every activated SIM there: usable, so its plan is asked for.
      return { orderType: 'subscribe', note: 'SIM in TestMode' };
    default:
      return undefined;
  }
}
