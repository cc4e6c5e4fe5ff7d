/** Owns every timer the simulator starts, so reset() and close() can cancel them. */
export class Scheduler {
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Request latency sleeps: kept apart so a reset never strands a request mid-sleep. */
  private readonly sleeps = new Set<NodeJS.Timeout>();

  constructor(private readonly onError: (error: unknown) => void) {}

  /** Runs fn after ms; returns a cancel function. Timers are unref()ed: they never hold a process open. */
  after(ms: number, fn: () => void | Promise<void>): () => void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        try {
          const out = fn();
          if (out instanceof Promise) out.catch(this.onError);
        } catch (error) {
          this.onError(error);
        }
      },
      Math.max(0, ms),
    );
    timer.unref();
    this.timers.add(timer);
    return () => {
      clearTimeout(timer);
      this.timers.delete(timer);
    };
  }

  /** Survives cancelAll(); only close() cancels it (the request's socket is destroyed then anyway). */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeps.delete(timer);
        resolve();
      }, ms);
      timer.unref();
      this.sleeps.add(timer);
    });
  }

  /** Cancels scheduled work (activations, webhook attempts); used by reset. */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  close(): void {
    this.cancelAll();
    for (const timer of this.sleeps) clearTimeout(timer);
    this.sleeps.clear();
  }
}
