import { Controller, Get, HttpCode, Post, Query, Render, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { translate, type Language } from '../../common/i18n/i18n.js';
import { EngineDb } from '../execution/engine-db.js';
import { AuditService } from '../audit/audit.service.js';
import { DASHBOARD_DAYS, type DashboardDays } from './dashboard-view.js';
import { DASHBOARD_SCRIPT_KEYS } from './dashboard.i18n.js';
import { DashboardService } from './dashboard.service.js';
import { RunStatRebuild } from './run-stat-rebuild.js';

/** `days` of the query: 7 (default), 14, 30 or 90; anything else is a 400 naming the field. */
export function parseDays(value: unknown): DashboardDays {
  if (value === undefined || value === '') return 7;
  const days = DASHBOARD_DAYS.find((option) => String(option) === value);
  if (days === undefined) throw new ValidationException({ days: 'must be 7, 14, 30 or 90' });
  return days;
}

/** The dashboard page: the figures are fetched by its script from the API. */
@Controller('dashboard')
export class DashboardController {
  @Get()
  @Render('dashboard/index')
  page(@Query('days') days: unknown, @Res({ passthrough: true }) response: Response) {
    const lang = response.locals.lang as Language;
    const text = Object.fromEntries(
      DASHBOARD_SCRIPT_KEYS.map((key) => [key.replace(/^dashboard\./, ''), translate(lang, key)]),
    );
    const selected = parseDays(days);
    return {
      title: 'dashboard.title',
      options: DASHBOARD_DAYS.map((value) => ({ value, selected: value === selected })),
      page: { days: selected, text },
    };
  }
}

@ApiTags('dashboard')
@Controller('api/dashboard')
export class DashboardApiController {
  constructor(
    private readonly dashboard: DashboardService,
    private readonly db: EngineDb,
    private readonly audit: AuditService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Success rate and failures per UTC day, slowest and most failing jobs, exec host slots and runs per day (days=7|14|30|90)',
  })
  async get(@Req() request: Request, @Query('days') days: unknown) {
    return { data: await this.dashboard.dashboard(parseDays(days), request.principal!) };
  }

  @Post('rebuild')
  @HttpCode(200)
  @RequirePermission('admin')
  @ApiOperation({ summary: 'Recompute the daily run statistics from the run transitions (after an upgrade)' })
  async rebuild(@Req() request: Request) {
    const result = await RunStatRebuild.run(this.db);
    await this.audit.record({
      actor: request.principal!,
      action: 'rebuild',
      targetType: 'run_stat',
      detail: result,
      ip: request.ip,
    });
    return { data: result };
  }
}
