/**
 * Runs `work` when woken, one run at a time: wakes that arrive during a run make it run once more
 * right after, as does `work` answering true (more is waiting). An error is reported and ends the
 * run; the next wake starts anew. Used by the loops that callbacks, commits and timers all nudge.
 */
export class Pump {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly work: () => Promise<boolean | void>,
    private readonly onError: (error: Error) => void,
  ) {}

  /** Also wakes every `ms` milliseconds, until stopped. */
  every(ms: number): void {
    if (!this.stopped) this.timer ??= setInterval(() => this.wake(), ms);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop().finally(() => (this.running = null));
  }

  /** No more runs; resolves once the one in progress, if any, has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        if ((await this.work()) === true) this.again = true;
      } catch (error) {
        this.onError(error as Error);
        return;
      }
    } while (this.again && !this.stopped);
  }
}
