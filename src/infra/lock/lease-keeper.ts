import type { Lease } from './scheduler-lock.js';

/**
 * Keeps a lease alive while work runs: renews it at half the lease, and reports when a renewal
 * finds it lost. `stop()` ends the renewals (it does not release the lease).
 */
export class LeaseKeeper {
  private readonly timer: NodeJS.Timeout;
  private renewing?: Promise<void>;
  lost = false;

  constructor(
    readonly lease: Lease,
    leaseMs: number,
    private readonly onLost: (reason: string) => void = () => undefined,
  ) {
    this.timer = setInterval(() => this.renew(), Math.max(1, Math.floor(leaseMs / 2)));
    this.timer.unref();
  }

  private renew(): void {
    if (this.renewing !== undefined || this.lost) return;
    this.renewing = this.lease
      .renew()
      .then((kept) => {
        if (!kept) this.markLost('lease lapsed and was taken or removed');
      })
      .catch((error: unknown) => this.markLost(`renewal failed: ${String(error)}`))
      .finally(() => (this.renewing = undefined));
  }

  private markLost(reason: string): void {
    this.lost = true;
    clearInterval(this.timer);
    this.onLost(reason);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
  }

  /** Stops renewing and gives the lease up. */
  async release(): Promise<void> {
    await this.stop();
    await this.lease.release();
  }
}
