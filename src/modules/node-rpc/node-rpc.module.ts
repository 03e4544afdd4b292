import { Module } from '@nestjs/common';
import { ExecutionModule } from '../execution/execution.module.js';
import { NodeRpcEndpoint } from './node-rpc.endpoint.js';
import { NodeRpcService } from './node-rpc.service.js';
import { PresenceService } from './presence.service.js';
import { RunEventsService } from './run-events.service.js';

/** The portal's receiving end of exec node callbacks. */
@Module({
  imports: [ExecutionModule],
  providers: [NodeRpcEndpoint, NodeRpcService, RunEventsService, PresenceService],
})
export class NodeRpcModule {}
