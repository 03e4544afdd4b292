import { Injectable } from '@nestjs/common';
import { EngineDb } from './engine-db.js';
import { EngineHooks } from './engine-hooks.js';
import { RunProgressService } from './run-progress.service.js';
import { TransitionContext } from './transition-context.js';

/**
 * One transaction per engine change: the work's compare-and-set transitions, their consequences
 * (retries, dependents, skips, execution end, alerts) and the transition rows commit together;
 * the dispatcher and the alert sender are woken after the commit.
 */
@Injectable()
export class EngineTransactionsService {
  constructor(
    private readonly db: EngineDb,
    private readonly progress: RunProgressService,
    private readonly hooks: EngineHooks,
  ) {}

  async run<T>(work: (ctx: TransitionContext) => Promise<T>): Promise<T> {
    let last: TransitionContext | undefined;
    const result = await this.db.transaction(async (sql) => {
      const ctx = new TransitionContext(sql);
      last = ctx;
      const value = await work(ctx);
      // MySQL: the work's own transition and rollup rows go before settle() takes the execution
      // locks, so those are held for fewer statements; settle's rows follow below. (SQLite has no
      // row locks: one insert of all the rows is cheaper.)
      if (ctx.sql.dialect === 'mysql') await ctx.flush();
      await this.progress.settle(ctx);
      await this.hooks.beforeCommit(ctx);
      await ctx.flush();
      return value;
    });
    if (last) this.hooks.afterCommit(last);
    return result;
  }
}
