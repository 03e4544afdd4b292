import { Module } from '@nestjs/common';
import { InterfaceModule } from '../interface/interface.module.js';
import { ImpactService } from './impact.service.js';
import { TopologyApiController } from './topology.api.controller.js';
import { TopologyController } from './topology.controller.js';
import { TopologyRepository } from './topology.repository.js';
import { TopologyService } from './topology.service.js';
import './topology.i18n.js';

/** Read-only topology of the definitions: job DAGs, the interface mesh, failure impact. */
@Module({
  imports: [InterfaceModule],
  controllers: [TopologyController, TopologyApiController],
  providers: [TopologyRepository, TopologyService, ImpactService],
})
export class TopologyModule {}
