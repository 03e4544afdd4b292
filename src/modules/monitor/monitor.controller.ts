import { Controller, Get, Param, ParseIntPipe, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { scriptTexts } from './monitor.i18n.js';
import { ExecutionGraphService } from './execution-graph.service.js';
import { lenient, monitorFilter } from './monitor-params.js';
import { MONITOR_STATES } from './monitor-rows.js';
import { MonitorService } from './monitor.service.js';
import { OwnedBy } from '../access/owned-by.js';

/** The home page: what failed, what runs, what waits — refreshed by polling GET /api/monitor. */
@Controller()
export class MonitorController {
  constructor(private readonly monitor: MonitorService) {}

  @Get()
  @Render('monitor/index')
  async home(
    @Req() request: Request,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const filter = lenient(monitorFilter, query);
    const view = await this.monitor.view(filter, request.principal!);
    return {
      title: 'menu.monitor',
      filter,
      folders: view.folders,
      states: MONITOR_STATES,
      page: { filter, view, texts: scriptTexts(response.locals.lang as string) },
    };
  }
}

@Controller('api')
export class MonitorApiController {
  constructor(
    private readonly monitor: MonitorService,
    private readonly graphs: ExecutionGraphService,
  ) {}

  /** Latest execution of every interface: failed first, with failed jobs, what they block, expected finish. */
  @Get('monitor')
  async view(@Req() request: Request, @Query() query: Record<string, unknown>) {
    return { data: await this.monitor.view(monitorFilter(query), request.principal!) };
  }

  /** Live data of the execution page: interface graph, job DAGs, runs with estimates. */
  @Get('executions/:id/graph')
  @OwnedBy('execution')
  async graph(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.graphs.graph(id, request.principal!) };
  }
}
