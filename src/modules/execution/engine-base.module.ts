import { Module } from '@nestjs/common';
import { EngineDb } from './engine-db.js';
import { EngineHooks } from './engine-hooks.js';

/** The engine's transaction runner and wake-up hooks, shared with the alert delivery module. */
@Module({
  providers: [EngineDb, EngineHooks],
  exports: [EngineDb, EngineHooks],
})
export class EngineBaseModule {}
