import type { WorkflowMessage, WorkQueue } from '#shared/workflow/messages.js';

/** A work queue that records what would be sent, with its delay, for the workflow tests to take and check. */
export class RecordingQueue implements WorkQueue {
  sent: { message: WorkflowMessage; delaySeconds: number }[] = [];

  async send(message: WorkflowMessage, delaySeconds = 0): Promise<void> {
    this.sent.push({ message, delaySeconds });
  }

  async sendMany(messages: readonly WorkflowMessage[]) {
    for (const message of messages) this.sent.push({ message, delaySeconds: 0 });
    return { failed: [] };
  }

  /** What was sent since the last take. */
  take(): { message: WorkflowMessage; delaySeconds: number }[] {
    const taken = this.sent;
    this.sent = [];
    return taken;
  }
}
