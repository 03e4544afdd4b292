import { Module } from '@nestjs/common';
import { ExecutionModule } from '../execution/execution.module.js';
import { NodeRpcController } from './node-rpc.controller.js';
import { NodeRpcGate } from './node-rpc.gate.js';
import { NodeRpcService } from './node-rpc.service.js';
import { PresenceService } from './presence.service.js';
import { RunEventsService } from './run-events.service.js';

/** The portal's receiving end of exec node callbacks. */
@Module({
  imports: [ExecutionModule],
  controllers: [NodeRpcController],
  providers: [NodeRpcGate, NodeRpcService, RunEventsService, PresenceService],
})
export class NodeRpcModule {}
