import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { InterfaceApiController } from './interface.api.controller.js';
import { InterfaceController } from './interface.controller.js';
import { InterfaceDeleteService } from './interface-delete.service.js';
import { InterfaceFormService } from './interface-form.service.js';
import { InterfaceGraphService } from './interface-graph.service.js';
import { InterfaceQueryService } from './interface-query.service.js';
import { InterfaceService } from './interface.service.js';
import './interface.i18n.js';

/** Interfaces (workflows) and the interface mesh: pages, JSON API, graph of an interface's jobs. */
@Module({
  imports: [AuditModule],
  controllers: [InterfaceController, InterfaceApiController],
  providers: [
    InterfaceService,
    InterfaceQueryService,
    InterfaceDeleteService,
    InterfaceGraphService,
    InterfaceFormService,
  ],
  exports: [InterfaceQueryService, InterfaceGraphService],
})
export class InterfaceModule {}
