import { Controller, Get, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { AccessService } from '../access/access.service.js';
import { maskImpact, maskTopologyGraph } from '../access/topology-mask.js';
import { ImpactService } from './impact.service.js';
import { impactOrigin, meshRequest, requiredId } from './topology-params.js';
import { TopologyService } from './topology.service.js';

/**
 * Topology JSON for the graph pages and for other tools. Graphs are compact: `nodes` are
 * `[type, id, label, layer, row, flags, ref]` and `edges` `[source, target, flags, weight]`
 * (see graph-payload.ts); the layout (layer = x, row = y) is computed here.
 */
@ApiTags('topology')
@Controller('api/topology')
export class TopologyApiController {
  constructor(
    private readonly topology: TopologyService,
    private readonly impacts: ImpactService,
    private readonly access: AccessService,
  ) {}

  @Get('jobs')
  @ApiOperation({ summary: 'Job DAG of ?interface=<id>, laid out, with prerequisites in other interfaces' })
  async jobs(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const id = requiredId(query.interface, 'interface');
    await this.access.assertInterface(request.principal!, id, 'view');
    return { data: await maskTopologyGraph(this.access, request.principal!, await this.topology.jobDag(id)) };
  }

  @Get('mesh')
  @ApiOperation({
    summary: 'Interface mesh around ?interface=<id>: scope=local|component|downstream|all, depth=1..10, expand=ids|all',
  })
  async mesh(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const mesh = meshRequest(query);
    if (mesh.interfaceId !== null) await this.access.assertInterface(request.principal!, mesh.interfaceId, 'view');
    return { data: await maskTopologyGraph(this.access, request.principal!, await this.topology.mesh(mesh)) };
  }

  @Get('impact')
  @ApiOperation({ summary: 'What is blocked if ?job=<id> (or every job of ?interface=<id>) fails' })
  async impact(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const origin = impactOrigin(query);
    if (origin.kind === 'job') await this.access.assertJob(request.principal!, origin.id, 'view');
    else await this.access.assertInterface(request.principal!, origin.id, 'view');
    return { data: await maskImpact(this.access, request.principal!, await this.impacts.impact(origin)) };
  }
}
