import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AuthGuard } from './common/auth/auth.guard.js';
import { AllExceptionsFilter } from './common/http/all-exceptions.filter.js';
import { createValidationPipe } from './common/http/validation.pipe.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './infra/database/database.module.js';
import { LocalExecNodeModule } from './infra/local-node/local-exec-node.module.js';
import { AccessModule } from './modules/access/access.module.js';
import { AuditModule } from './modules/audit/audit.module.js';
import { AlertModule } from './modules/alert/alert.module.js';
import { AuthModule } from './modules/auth/auth.module.js';
import { BackfillModule } from './modules/backfill/backfill.module.js';
import { DashboardModule } from './modules/dashboard/dashboard.module.js';
import { DispatchModule } from './modules/dispatch/dispatch.module.js';
import { ExecHostModule } from './modules/exec-host/exec-host.module.js';
import { ExecutionModule } from './modules/execution/execution.module.js';
import { HealthModule } from './modules/health/health.module.js';
import { InterfaceModule } from './modules/interface/interface.module.js';
import { JobModule } from './modules/job/job.module.js';
import { LogsModule } from './modules/logs/logs.module.js';
import { MonitorModule } from './modules/monitor/monitor.module.js';
import { NodeRpcModule } from './modules/node-rpc/node-rpc.module.js';
import { SchedulerModule } from './modules/scheduler/scheduler.module.js';
import { TransferModule } from './modules/transfer/transfer.module.js';
import { TopologyModule } from './modules/topology/topology.module.js';
import { UsersModule } from './modules/users/users.module.js';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(),
        AuditModule,
        AccessModule,
        UsersModule,
        AuthModule,
        ExecHostModule,
        AlertModule,
        DispatchModule,
        HealthModule,
        InterfaceModule,
        JobModule,
        MonitorModule,
        LocalExecNodeModule,
        SchedulerModule,
        ExecutionModule,
        BackfillModule,
        LogsModule,
        NodeRpcModule,
        TransferModule,
        DashboardModule,
        TopologyModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useClass: AllExceptionsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
