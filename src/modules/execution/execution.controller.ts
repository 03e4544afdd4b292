import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AccessService } from '../access/access.service.js';
import { maskExecutionDetail } from '../access/execution-mask.js';
import { OwnedBy } from '../access/owned-by.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { shiftDate } from '../job/param-resolver.js';
import { formBoolean, formString } from '../users/form.js';
import { isDataDate } from './dto/execution.dto.js';
import { EngineDb } from './engine-db.js';
import { EXECUTION_STATES } from './execution.entity.js';
import { ExecutionQueryService, readRunTarget, type RunTarget } from './execution-query.service.js';
import { ExecutionService } from './execution.service.js';
import { scriptTexts } from '../monitor/monitor.i18n.js';
import { executionRow, runRow } from './execution.view.js';
import { LogStore } from './logs/log-store.js';
import { OperatorActionsService, type DefinitionsChoice } from './operator-actions.service.js';

const PAGE_LOG_LINES = 2000;

function targetFrom(query: Record<string, unknown>): { kind: 'dispatch' | 'job'; id: number } | null {
  for (const kind of ['dispatch', 'job'] as const) {
    const value = query[`${kind}Id`];
    if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return { kind, id: Number(value) };
  }
  return null;
}

function definitions(body: Record<string, unknown>): DefinitionsChoice {
  return formString(body, 'definitions') === 'current' ? 'current' : 'snapshot';
}

function caller(request: Request) {
  return { principal: request.principal!, ip: request.ip };
}

/** Pages: execution list, "run now" form, execution detail with operator actions, run detail with its log. */
@Controller('executions')
@OwnedBy('execution')
export class ExecutionController {
  constructor(
    private readonly queries: ExecutionQueryService,
    private readonly executions: ExecutionService,
    private readonly actions: OperatorActionsService,
    private readonly logs: LogStore,
    private readonly db: EngineDb,
    private readonly access: AccessService,
  ) {}

  /** The dispatch or job to run must be one the caller may act on. */
  private async assertTarget(request: Request, target: { kind: 'dispatch' | 'job'; id: number }): Promise<void> {
    if (target.kind === 'dispatch') await this.access.assertDispatch(request.principal!, target.id, 'act');
    else await this.access.assertJob(request.principal!, target.id, 'act');
  }

  @Get()
  @Render('executions/list')
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const page = pageFromQuery(query);
    const state =
      typeof query.state === 'string' && (EXECUTION_STATES as readonly string[]).includes(query.state)
        ? query.state
        : '';
    const search = typeof query.search === 'string' ? query.search.slice(0, 200) : '';
    const { rows, total } = await this.queries.list({
      ...page,
      state: state || undefined,
      search: search || undefined,
      user: request.principal,
    });
    const params = new URLSearchParams({ state, search }).toString();
    return {
      title: 'executions.title',
      rows: rows.map(executionRow),
      page: pageView(page, total),
      state,
      search,
      states: EXECUTION_STATES,
      query: `&${params}`,
    };
  }

  @Get('new')
  @RequirePermission('execute')
  @Render('executions/run')
  async runForm(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const target = targetFrom(query);
    if (!target) throw new ValidationException({ dispatchId: 'choose a dispatch or a job to run' });
    await this.assertTarget(request, target);
    const resolved = await readRunTarget(this.db, target.kind, target.id);
    const today = new Date().toISOString().slice(0, 10);
    return this.formModel(resolved, {
      dataDate: shiftDate(today, resolved.dataDateOffsetDays),
      runDownstream: resolved.runDownstream,
    });
  }

  @Post('new')
  @RequirePermission('execute')
  async run(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const target = targetFrom(body);
    if (!target) throw new ValidationException({ dispatchId: 'choose a dispatch or a job to run' });
    await this.assertTarget(request, target);
    const resolved = await readRunTarget(this.db, target.kind, target.id);
    const form = { dataDate: formString(body, 'dataDate') ?? '', runDownstream: formBoolean(body, 'runDownstream') };
    if (!isDataDate(form.dataDate)) {
      response
        .status(400)
        .render('executions/run', this.formModel(resolved, form, { dataDate: 'must be a date as YYYY-MM-DD' }));
      return;
    }
    const result =
      target.kind === 'dispatch'
        ? await this.executions.runDispatch(target.id, form, caller(request))
        : await this.executions.runJob(target.id, form.dataDate, caller(request));
    response.redirect(303, `/executions/${result.executionId}`);
  }

  private formModel(target: RunTarget, form: Record<string, unknown>, errors?: Record<string, string>) {
    return { title: 'executions.runNow', target, form, errors, isDispatch: target.kind === 'dispatch' };
  }

  @Get(':id')
  @Render('executions/detail')
  async detail(
    @Req() request: Request,
    @Param('id', ParseIntPipe) id: number,
    @Res({ passthrough: true }) response: Response,
  ) {
    const detail = await maskExecutionDetail(this.access, request.principal!, await this.queries.detail(id));
    const runs = detail.runs.map(runRow);
    const locals = response.locals as { lang: string; can: { execute: boolean } };
    return {
      title: 'executions.detail',
      execution: executionRow(detail.execution),
      runs,
      finished: detail.execution.state !== 'running',
      rerunnable: runs.some((run) => run.markable),
      page: { executionId: id, canExecute: locals.can.execute, texts: scriptTexts(locals.lang) },
    };
  }

  @Get(':id/runs/:runId')
  @OwnedBy('run', 'runId')
  @Render('executions/run-detail')
  async runDetail(@Param('id', ParseIntPipe) id: number, @Param('runId', ParseIntPipe) runId: number) {
    const run = await this.queries.run(runId);
    if (run.executionId !== id) throw new ValidationException({ runId: 'belongs to another execution' });
    const lines = await this.logs.page(runId, run.attempt, 0, PAGE_LOG_LINES);
    return {
      title: 'executions.run',
      run: { ...runRow(run), transitions: run.transitions },
      lines,
      truncated: lines.length === PAGE_LOG_LINES,
    };
  }

  @Post(':id/kill')
  @RequirePermission('execute')
  async kill(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.actions.killExecution(id, caller(request));
    response.redirect(303, `/executions/${id}`);
  }

  @Post(':id/rerun')
  @RequirePermission('execute')
  async rerun(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.actions.rerunFailed(id, definitions(body), caller(request));
    response.redirect(303, `/executions/${id}`);
  }

  @Post(':id/runs/:runId/kill')
  @OwnedBy('run', 'runId')
  @RequirePermission('execute')
  async killRun(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('runId', ParseIntPipe) runId: number,
  ) {
    await this.actions.killRun(runId, caller(request));
    response.redirect(303, `/executions/${id}`);
  }

  @Post(':id/runs/:runId/rerun')
  @OwnedBy('run', 'runId')
  @RequirePermission('execute')
  async rerunRun(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('runId', ParseIntPipe) runId: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.actions.rerunDownstream(runId, definitions(body), caller(request));
    response.redirect(303, `/executions/${id}`);
  }

  @Post(':id/runs/:runId/mark-success')
  @OwnedBy('run', 'runId')
  @RequirePermission('execute')
  async markSuccess(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('runId', ParseIntPipe) runId: number,
  ) {
    await this.actions.markSucceeded(runId, caller(request));
    response.redirect(303, `/executions/${id}`);
  }
}
