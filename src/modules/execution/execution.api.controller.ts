import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AccessService } from '../access/access.service.js';
import { maskExecutionDetail } from '../access/execution-mask.js';
import { OwnedBy } from '../access/owned-by.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { RerunDto, RunDispatchDto, RunJobDto } from './dto/execution.dto.js';
import { EXECUTION_STATES } from './execution.entity.js';
import { ExecutionQueryService } from './execution-query.service.js';
import { ExecutionService } from './execution.service.js';
import { LogStore } from './logs/log-store.js';
import { OperatorActionsService } from './operator-actions.service.js';
import { RunEstimateService } from './run-estimate.js';

function intQuery(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value) || Number(value) > max) {
    throw new ValidationException({ [field]: `must be a whole number from 0 to ${max}` });
  }
  return Number(value);
}

function caller(request: Request) {
  return { principal: request.principal!, ip: request.ip };
}

/** JSON API of executions and runs: list, detail, logs, and the operator actions (permission execute). */
@Controller('api')
export class ExecutionApiController {
  constructor(
    private readonly queries: ExecutionQueryService,
    private readonly executions: ExecutionService,
    private readonly actions: OperatorActionsService,
    private readonly logs: LogStore,
    private readonly estimates: RunEstimateService,
    private readonly access: AccessService,
  ) {}

  @Get('executions')
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const page = pageFromQuery(query);
    const state = typeof query.state === 'string' && query.state !== '' ? query.state : undefined;
    if (state !== undefined && !(EXECUTION_STATES as readonly string[]).includes(state)) {
      throw new ValidationException({ state: `must be one of ${EXECUTION_STATES.join(', ')}` });
    }
    const dispatchId = query.dispatchId === undefined ? undefined : intQuery(query.dispatchId, 'dispatchId', 0, 1e9);
    const search = typeof query.search === 'string' ? query.search.slice(0, 200) : undefined;
    const { rows, total } = await this.queries.list({ ...page, state, dispatchId, search, user: request.principal });
    return { data: rows, page: pageView(page, total) };
  }

  @Get('executions/:id')
  @OwnedBy('execution')
  async detail(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await maskExecutionDetail(this.access, request.principal!, await this.queries.detail(id)) };
  }

  @Post('executions/:id/kill')
  @OwnedBy('execution')
  @HttpCode(200)
  @RequirePermission('execute')
  async killExecution(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.actions.killExecution(id, caller(request)) };
  }

  @Post('executions/:id/rerun')
  @OwnedBy('execution')
  @HttpCode(200)
  @RequirePermission('execute')
  async rerunFailed(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: RerunDto) {
    const runs = await this.actions.rerunFailed(id, body.definitions ?? 'snapshot', caller(request));
    return { data: { runs } };
  }

  /** The run with its estimate (expected duration, progress, ETA, late) from the job's history. */
  @Get('runs/:id')
  @OwnedBy('run')
  async run(@Param('id', ParseIntPipe) id: number) {
    const run = await this.queries.run(id);
    const estimate = (await this.estimates.estimate([run])).get(run.id);
    return { data: { ...run, estimate } };
  }

  /** Output lines of an attempt (default the current one) after `afterSeq`. */
  @Get('runs/:id/log')
  @OwnedBy('run')
  async log(@Param('id', ParseIntPipe) id: number, @Query() query: Record<string, unknown>) {
    const run = await this.queries.run(id);
    const attempt = intQuery(query.attempt, 'attempt', run.attempt, 1e6);
    const afterSeq = intQuery(query.afterSeq, 'afterSeq', 0, 1e12);
    const limit = intQuery(query.limit, 'limit', 1000, 10_000);
    const lines = await this.logs.page(id, attempt, afterSeq, limit);
    return { data: lines.map(({ seq, stream, time, line }) => ({ seq, stream, time, line })) };
  }

  @Post('runs/:id/kill')
  @OwnedBy('run')
  @HttpCode(200)
  @RequirePermission('execute')
  async killRun(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.actions.killRun(id, caller(request)) };
  }

  /** The run and everything downstream of it run again. */
  @Post('runs/:id/rerun')
  @OwnedBy('run')
  @HttpCode(200)
  @RequirePermission('execute')
  async rerunDownstream(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: RerunDto) {
    const runs = await this.actions.rerunDownstream(id, body.definitions ?? 'snapshot', caller(request));
    return { data: { runs } };
  }

  @Post('runs/:id/mark-success')
  @OwnedBy('run')
  @HttpCode(200)
  @RequirePermission('execute')
  async markSucceeded(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.actions.markSucceeded(id, caller(request));
    return { data: { ok: true } };
  }

  @Post('dispatches/:id/run')
  @OwnedBy('dispatch')
  @RequirePermission('execute')
  async runDispatch(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: RunDispatchDto) {
    return { data: await this.executions.runDispatch(id, body, caller(request)) };
  }

  @Post('jobs/:id/run')
  @OwnedBy('job')
  @RequirePermission('execute')
  async runJob(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: RunJobDto) {
    return { data: await this.executions.runJob(id, body.dataDate, caller(request)) };
  }
}
