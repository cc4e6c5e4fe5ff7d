import { groupBy } from '../group-by.js';

/**
 * Messages a batch of SQS records sends on, held until every record has run and then sent together (SQS takes
 * ten a request, SNS ten a publish, DynamoDB 25 writes): ten records that each queue a step cost one request
 * instead of ten. A record whose messages are refused is reported failed, so that it runs again; the workflow's
 * steps queue their next step again when they find the order moved on.
 *
 * Entries held `afterSends` (an event's completion, say) go last, and only for the records all of whose other
 * entries went out: the others' are handed to their sender's `dropHeld` (to release a claim, say).
 */

/** Where held entries go: one call per destination and flush, the entries it could not send returned. */
export interface OutboxSender<Entry> {
  sendHeld(entries: readonly Entry[]): Promise<readonly Entry[]>;
  /** Entries held `afterSends` whose record failed to send its others: never sent. Best effort. */
  dropHeld?(entries: readonly Entry[]): Promise<void>;
}

interface Held {
  sender: OutboxSender<unknown>;
  entry: unknown;
  recordId: string;
  afterSends: boolean;
}

/** Sends each sender's entries in one call, all senders at once; the ids of records left with unsent ones. */
async function sendAll(held: readonly Held[]): Promise<Set<string>> {
  const unsent = new Set<string>();
  await Promise.all(
    [...groupBy(held, (item) => item.sender)].map(async ([sender, items]) => {
      let refused: ReadonlySet<unknown>;
      try {
        refused = new Set(await sender.sendHeld(items.map((item) => item.entry)));
      } catch {
        refused = new Set(items.map((item) => item.entry));
      }
      for (const item of items) if (refused.has(item.entry)) unsent.add(item.recordId);
    }),
  );
  return unsent;
}

export class Outbox {
  readonly #held: Held[] = [];
  /** The record being handled: a batch's records run one after the other (sqsHandler sets it). */
  recordId: string | undefined;

  /**
   * Holds `entry` for `sender` on behalf of the current record; false when no record is being handled.
   * `afterSends`: sent once the batch's other entries are out, and only if the record's went out.
   */
  hold<Entry>(sender: OutboxSender<Entry>, entry: Entry, options: { afterSends?: boolean } = {}): boolean {
    if (this.recordId === undefined) return false;
    const afterSends = options.afterSends ?? false;
    this.#held.push({ sender: sender as OutboxSender<unknown>, entry, recordId: this.recordId, afterSends });
    return true;
  }

  /** Sends what the records held, each sender's entries in one call; the ids of records left with unsent ones. */
  async flush(): Promise<Set<string>> {
    const held = this.#held.splice(0);
    const unsent = await sendAll(held.filter((item) => !item.afterSends));
    const last = held.filter((item) => item.afterSends);
    const dropped = last.filter((item) => unsent.has(item.recordId));
    await Promise.all(
      [...groupBy(dropped, (item) => item.sender)].map(([sender, items]) =>
        sender.dropHeld?.(items.map((item) => item.entry)).catch(() => undefined),
      ),
    );
    for (const recordId of await sendAll(last.filter((item) => !unsent.has(item.recordId))))
      unsent.add(recordId);
    return unsent;
  }
}
