import { stripUndefined } from './dynamo-support.js';
import type { TransitionPlan } from './order-store.js';

/** An order's transition as one conditional DynamoDB update, which DynamoOrderStore.transition sends. */

/** The attribute each transition stamps with a token of its own (never part of an Order). */
export const WRITE_ID_ATTRIBUTE = 'writeId';

/**
 * Builds the conditional update for a transition: names and values are placeholders throughout. `writeId`, when
 * given, is stored with it, so that the writer can tell its own write when it reads the order back.
 */
export function buildUpdate(orderId: string, plan: TransitionPlan, writeId?: string) {
  const names: Record<string, string> = {
    '#orderId': 'orderId',
    '#status': 'status',
    '#version': 'version',
    '#updatedAt': 'updatedAt',
  };
  const values: Record<string, unknown> = { ':to': plan.to, ':one': 1, ':updatedAt': plan.updatedAt };
  const sets = ['#status = :to', '#version = #version + :one', '#updatedAt = :updatedAt'];
  const removes: string[] = [];
  if (writeId !== undefined) {
    names['#writeId'] = WRITE_ID_ATTRIBUTE;
    values[':writeId'] = writeId;
    sets.push('#writeId = :writeId');
  }

  if (plan.timelineEntry) {
    names['#timeline'] = 'timeline';
    values[':timelineEntry'] = [stripUndefined(plan.timelineEntry)];
    sets.push('#timeline = list_append(#timeline, :timelineEntry)');
  }
  plan.assignments.forEach(([field, value], index) => {
    names[`#set${index}`] = field;
    values[`:set${index}`] = stripUndefined(value);
    sets.push(`#set${index} = :set${index}`);
  });
  plan.removals.forEach((field, index) => {
    names[`#remove${index}`] = field;
    removes.push(`#remove${index}`);
  });
  if (plan.increments.length > 0) {
    names['#attempts'] = 'attempts';
    values[':zero'] = 0;
    plan.increments.forEach(([counter, amount], index) => {
      names[`#counter${index}`] = counter;
      values[`:increment${index}`] = amount;
      sets.push(
        `#attempts.#counter${index} = if_not_exists(#attempts.#counter${index}, :zero) + :increment${index}`,
      );
    });
  }

  const fromPlaceholders = plan.from.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  const conditions = ['attribute_exists(#orderId)', `#status IN (${fromPlaceholders.join(', ')})`];
  if (plan.expectedVersion !== undefined) {
    values[':expectedVersion'] = plan.expectedVersion;
    conditions.push('#version = :expectedVersion');
  }

  return {
    Key: { orderId },
    UpdateExpression: `SET ${sets.join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
