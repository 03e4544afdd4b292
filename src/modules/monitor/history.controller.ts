import { Controller, Get, Param, ParseIntPipe, Query, Render, Res } from '@nestjs/common';
import type { Response } from 'express';
import { pageView } from '../../common/view/pagination.js';
import { EXECUTION_STATES } from '../execution/execution.entity.js';
import { durationText, executionRow, stateBadge } from '../execution/execution.view.js';
import { RUN_STATES } from '../execution/job-run.entity.js';
import { HistoryService, type HistoryFilter } from './history.service.js';
import { historyFilter, lenient } from './monitor-params.js';
import { scriptTexts } from './monitor.i18n.js';
import { OwnedBy } from '../access/owned-by.js';

function queryString(filter: HistoryFilter): string {
  const params = new URLSearchParams();
  for (const key of ['state', 'from', 'to'] as const) if (filter[key]) params.set(key, filter[key]);
  const text = params.toString();
  return text ? `&${text}` : '';
}

/** History pages: executions of a dispatch, runs of a job (with the duration trend). */
@Controller('history')
export class HistoryController {
  constructor(private readonly history: HistoryService) {}

  @Get('dispatches/:id')
  @OwnedBy('dispatch')
  @Render('history/dispatch')
  async dispatch(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const dispatch = await this.history.dispatchName(id);
    const filter = lenient((q) => historyFilter(q, 'execution'), query);
    const { rows, total } = await this.history.dispatchExecutions(id, filter);
    return {
      title: 'history.dispatchTitle',
      dispatch,
      filter,
      states: EXECUTION_STATES,
      rows: rows.map(executionRow),
      page: pageView(filter, total),
      query: queryString(filter),
    };
  }

  @Get('jobs/:id')
  @OwnedBy('job')
  @Render('history/job')
  async job(
    @Param('id', ParseIntPipe) id: number,
    @Query() query: Record<string, unknown>,
    @Res({ passthrough: true }) response: Response,
  ) {
    const job = await this.history.jobName(id);
    const filter = lenient((q) => historyFilter(q, 'run'), query);
    const { rows, total } = await this.history.jobRuns(id, filter);
    const trend = await this.history.jobTrend(id);
    return {
      title: 'history.jobTitle',
      job,
      filter,
      states: RUN_STATES,
      rows: rows.map((row) => ({ ...row, badge: stateBadge(row.state), duration: durationText(row.durationMs) })),
      page: pageView(filter, total),
      query: queryString(filter),
      average: durationText(trend.averageMs),
      chart: { trend, texts: scriptTexts(response.locals.lang as string) },
    };
  }
}

@Controller('api')
export class HistoryApiController {
  constructor(private readonly history: HistoryService) {}

  /** Executions of a dispatch, newest first: ?state=&from=&to=&page=&pageSize=. */
  @Get('dispatches/:id/executions')
  @OwnedBy('dispatch')
  async dispatchExecutions(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const filter = historyFilter(query, 'execution');
    const { rows, total } = await this.history.dispatchExecutions(id, filter);
    return { data: rows, page: pageView(filter, total) };
  }

  /** Runs of a job, newest first, and the duration trend of its last succeeded runs. */
  @Get('jobs/:id/runs')
  @OwnedBy('job')
  async jobRuns(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const filter = historyFilter(query, 'run');
    const { rows, total } = await this.history.jobRuns(id, filter);
    return { data: rows, page: pageView(filter, total), trend: await this.history.jobTrend(id) };
  }
}
