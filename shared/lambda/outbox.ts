/**
 * Messages a batch of SQS records sends on, held until every record has run and then sent together (SQS takes
 * ten a request): ten records that each queue a step cost one request instead of ten. A record whose messages
 * SQS refuses is reported failed, so that it runs again; the workflow's steps queue their next step again when
 * they find the order moved on without it.
 */

/** Where held messages go: one call per destination and flush, the entries it could not send returned. */
export interface OutboxSender<Entry> {
  sendHeld(entries: readonly Entry[]): Promise<readonly Entry[]>;
}

interface Held {
  sender: OutboxSender<unknown>;
  entry: unknown;
  recordId: string;
}

export class Outbox {
  readonly #held: Held[] = [];
  /** The record being handled: a batch's records run one after the other (sqsHandler sets it). */
  recordId: string | undefined;

  /** Holds `entry` for `sender` on behalf of the current record; false when no record is being handled. */
  hold<Entry>(sender: OutboxSender<Entry>, entry: Entry): boolean {
    if (this.recordId === undefined) return false;
    this.#held.push({ sender: sender as OutboxSender<unknown>, entry, recordId: this.recordId });
    return true;
  }

  /** Sends what the records held, each sender's entries in one call; the ids of records left with unsent ones. */
  async flush(): Promise<Set<string>> {
    const bySender = new Map<OutboxSender<unknown>, Held[]>();
    for (const held of this.#held.splice(0))
      bySender.set(held.sender, [...(bySender.get(held.sender) ?? []), held]);
    const unsent = new Set<string>();
    await Promise.all(
      [...bySender].map(async ([sender, held]) => {
        let refused: ReadonlySet<unknown>;
        try {
          refused = new Set(await sender.sendHeld(held.map((item) => item.entry)));
        } catch {
          refused = new Set(held.map((item) => item.entry));
        }
        for (const item of held) if (refused.has(item.entry)) unsent.add(item.recordId);
      }),
    );
    return unsent;
  }
}
