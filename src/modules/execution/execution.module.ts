import { Global, Module } from '@nestjs/common';
import { SecretBoxModule } from '../../infra/crypto/secret-box.module.js';
import { AlertDeliveryModule } from '../alert-delivery/alert-delivery.module.js';
import { AuditModule } from '../audit/audit.module.js';
import { DispatcherService } from './dispatcher.service.js';
import { EngineBaseModule } from './engine-base.module.js';
import { EngineTickService } from './engine-tick.service.js';
import { EngineTransactionsService } from './engine-transactions.service.js';
import { ExecutionStarter } from './execution-starter.js';
import { ExecutionQueryService } from './execution-query.service.js';
import { ExecutionApiController } from './execution.api.controller.js';
import { ExecutionController } from './execution.controller.js';
import { ExecutionService } from './execution.service.js';
import { HostRegistryService } from './host-registry.service.js';
import { LogStore } from './logs/log-store.js';
import { SqlLogStore } from './logs/sql-log-store.js';
import { createLogStore, LOG_STORE_DEPENDENCIES } from './logs/log-store.factory.js';
import { LogNotifier } from './logs/log-notifier.js';
import { LogRetentionService } from './logs/log-retention.service.js';
import { RunLogKeys } from './logs/run-log-keys.js';
import { MongoModule } from '../../infra/mongo/mongo.module.js';
import { NodeClientsService } from './node-clients.js';
import { NodeReconcileService } from './node-reconcile.service.js';
import { OperatorActionsService } from './operator-actions.service.js';
import { RunEstimateService } from './run-estimate.js';
import { RunProgressService } from './run-progress.service.js';
import { RunSenderService } from './run-sender.service.js';
import './execution.i18n.js';

/**
 * The execution engine: snapshots, the run state machine, routing to exec hosts, retries,
 * timeouts, recovery, operator actions, and the execution pages. Provides ExecutionStarter to the
 * scheduler and LogStore to whoever shows logs; global so the scheduler finds ExecutionStarter.
 */
@Global()
@Module({
  imports: [MongoModule, EngineBaseModule, AlertDeliveryModule, AuditModule, SecretBoxModule],
  controllers: [ExecutionController, ExecutionApiController],
  providers: [
    RunProgressService,
    EngineTransactionsService,
    HostRegistryService,
    NodeClientsService,
    DispatcherService,
    RunSenderService,
    NodeReconcileService,
    EngineTickService,
    ExecutionService,
    { provide: ExecutionStarter, useExisting: ExecutionService },
    OperatorActionsService,
    ExecutionQueryService,
    RunEstimateService,
    SqlLogStore,
    RunLogKeys,
    LogNotifier,
    LogRetentionService,
    { provide: LogStore, inject: LOG_STORE_DEPENDENCIES, useFactory: createLogStore },
  ],
  exports: [
    EngineBaseModule,
    ExecutionService,
    OperatorActionsService,
    ExecutionStarter,
    LogStore,
    LogNotifier,
    EngineTransactionsService,
    HostRegistryService,
    DispatcherService,
    NodeReconcileService,
    RunEstimateService,
  ],
})
export class ExecutionModule {}
