import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { AppConfig } from '../../config/app-config.js';
import { AccessService } from '../access/access.service.js';
import { OwnedBy } from '../access/owned-by.js';
import { EngineDb } from '../execution/engine-db.js';
import { readRunTarget, type RunTarget } from '../execution/execution-query.service.js';
import { shiftDate } from '../job/param-resolver.js';
import { formBoolean, formString } from '../users/form.js';
import { BACKFILL_ORDERS, BACKFILL_STATES, MAX_BACKFILL_PARALLELISM } from './backfill-plan.js';
import { BackfillService } from './backfill.service.js';
import { backfillRow, dateRow } from './backfill.view.js';

function caller(request: Request) {
  return { principal: request.principal!, ip: request.ip };
}

function dispatchIdFrom(source: Record<string, unknown>): number {
  const value = source.dispatchId;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) {
    throw new ValidationException({ dispatchId: 'choose a dispatch to backfill' });
  }
  return Number(value);
}

/** Pages: backfill list, the form that starts one from a dispatch, and its progress with pause/resume/cancel. */
@Controller('backfills')
@OwnedBy('backfill')
export class BackfillController {
  constructor(
    private readonly backfills: BackfillService,
    private readonly access: AccessService,
    private readonly db: EngineDb,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Render('backfills/list')
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const page = pageFromQuery(query);
    const state =
      typeof query.state === 'string' && (BACKFILL_STATES as readonly string[]).includes(query.state)
        ? query.state
        : '';
    const dispatchId =
      typeof query.dispatchId === 'string' && /^\d{1,9}$/.test(query.dispatchId) ? query.dispatchId : '';
    const { rows, total } = await this.backfills.list({
      ...page,
      state: state || undefined,
      dispatchId: dispatchId ? Number(dispatchId) : undefined,
      user: request.principal,
    });
    return {
      title: 'backfills.title',
      rows: rows.map(backfillRow),
      page: pageView(page, total),
      state,
      dispatchId,
      states: BACKFILL_STATES,
      query: `&${new URLSearchParams({ state, dispatchId }).toString()}`,
    };
  }

  @Get('new')
  @RequirePermission('execute')
  @Render('backfills/new')
  async form(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const dispatchId = dispatchIdFrom(query);
    await this.access.assertDispatch(request.principal!, dispatchId, 'act');
    const target = await readRunTarget(this.db, 'dispatch', dispatchId);
    const last = shiftDate(new Date().toISOString().slice(0, 10), target.dataDateOffsetDays);
    return this.formModel(target, {
      dateFrom: shiftDate(last, -6),
      dateThrough: last,
      order: 'ascending',
      parallelism: '1',
      runDownstream: target.runDownstream,
      stopOnFailure: false,
    });
  }

  @Post('new')
  @RequirePermission('execute')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const dispatchId = dispatchIdFrom(body);
    await this.access.assertDispatch(request.principal!, dispatchId, 'act');
    const form = {
      dateFrom: formString(body, 'dateFrom')?.trim() ?? '',
      dateThrough: formString(body, 'dateThrough')?.trim() ?? '',
      order: formString(body, 'order') ?? 'ascending',
      parallelism: formString(body, 'parallelism')?.trim() ?? '',
      runDownstream: formBoolean(body, 'runDownstream'),
      stopOnFailure: formBoolean(body, 'stopOnFailure'),
    };
    try {
      const created = await this.backfills.create(
        {
          dispatchId,
          ...form,
          parallelism: /^\d{1,3}$/.test(form.parallelism) ? Number(form.parallelism) : form.parallelism,
        },
        caller(request),
      );
      response.redirect(303, `/backfills/${created.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const target = await readRunTarget(this.db, 'dispatch', dispatchId);
      response.status(400).render('backfills/new', this.formModel(target, form, error.fields));
    }
  }

  private formModel(target: RunTarget, form: Record<string, unknown>, errors?: Record<string, string>) {
    return {
      title: 'backfills.new',
      target,
      form,
      errors,
      orders: BACKFILL_ORDERS,
      maxParallelism: MAX_BACKFILL_PARALLELISM,
      maxRunningPerJob: this.config.values.schedule.maxRunningPerJob,
    };
  }

  @Get(':id')
  @Render('backfills/detail')
  async detail(@Param('id', ParseIntPipe) id: number) {
    const { backfill, dates } = await this.backfills.detail(id);
    const row = backfillRow(backfill);
    return {
      title: 'backfills.detail',
      backfill: row,
      dates: dates.map(dateRow),
      pausable: backfill.state === 'running',
      resumable: backfill.state === 'paused',
      cancellable: backfill.state === 'running' || backfill.state === 'paused',
    };
  }

  @Post(':id/pause')
  @RequirePermission('execute')
  async pause(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.backfills.pause(id, caller(request));
    response.redirect(303, `/backfills/${id}`);
  }

  @Post(':id/resume')
  @RequirePermission('execute')
  async resume(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.backfills.resume(id, caller(request));
    response.redirect(303, `/backfills/${id}`);
  }

  @Post(':id/cancel')
  @RequirePermission('execute')
  async cancel(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.backfills.cancel(id, formBoolean(body, 'kill'), caller(request));
    response.redirect(303, `/backfills/${id}`);
  }
}
