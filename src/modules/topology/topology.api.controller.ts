import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
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
  ) {}

  @Get('jobs')
  @ApiOperation({ summary: 'Job DAG of ?interface=<id>, laid out, with prerequisites in other interfaces' })
  async jobs(@Query() query: Record<string, unknown>) {
    return { data: await this.topology.jobDag(requiredId(query.interface, 'interface')) };
  }

  @Get('mesh')
  @ApiOperation({
    summary: 'Interface mesh around ?interface=<id>: scope=local|component|downstream|all, depth=1..10, expand=ids|all',
  })
  async mesh(@Query() query: Record<string, unknown>) {
    return { data: await this.topology.mesh(meshRequest(query)) };
  }

  @Get('impact')
  @ApiOperation({ summary: 'What is blocked if ?job=<id> (or every job of ?interface=<id>) fails' })
  async impact(@Query() query: Record<string, unknown>) {
    return { data: await this.impacts.impact(impactOrigin(query)) };
  }
}
