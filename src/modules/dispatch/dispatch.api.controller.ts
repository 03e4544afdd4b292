import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseIntPipe,
  Patch,
  Post,
  Put,
  Query,
  Req,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { booleanFilter, parseListQuery } from '../exec-host/crud-support.js';
import { DeleteManyDto } from '../exec-host/dto/exec-host.dto.js';
import { DispatchAlertService } from './dispatch-alert.service.js';
import { previewFires } from './dispatch-preview.js';
import { DISPATCH_SORTS, DispatchService } from './dispatch.service.js';
import {
  CreateDispatchDto,
  DispatchAlertDto,
  ReplaceDispatchAlertsDto,
  UpdateDispatchAlertDto,
  UpdateDispatchDto,
} from './dto/dispatch.dto.js';
import { OwnedBy } from '../access/owned-by.js';

@ApiTags('dispatches')
@Controller('api/dispatches')
@OwnedBy('dispatch')
export class DispatchApiController {
  constructor(
    private readonly dispatches: DispatchService,
    private readonly alerts: DispatchAlertService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List dispatches with their next fire (search, interfaceId, enabled, sort, order, page, pageSize)',
  })
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, DISPATCH_SORTS, 'name', true);
    let interfaceId: number | undefined;
    if (query.interfaceId !== undefined) {
      interfaceId =
        typeof query.interfaceId === 'string' && /^\d{1,9}$/.test(query.interfaceId) ? Number(query.interfaceId) : NaN;
      if (Number.isNaN(interfaceId)) throw new ValidationException({ interfaceId: 'must be an interface id' });
    }
    const { rows, total } = await this.dispatches.list({
      ...list,
      interfaceId,
      enabled: booleanFilter(query, 'enabled', true),
      user: request.principal,
    });
    return { data: rows, page: pageView(list, total) };
  }

  @Get('preview')
  @ApiOperation({
    summary:
      'Cron preview: the next `count` (default 10, max 100) fire times strictly after `from` (ISO-8601, default now) in `timezone`, as ISO-8601 UTC',
  })
  preview(@Query() query: Record<string, unknown>) {
    return { data: previewFires(query) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One dispatch' })
  async get(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.dispatches.get(id) };
  }

  @Post()
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Create a dispatch (defaults: UTC, run_once, skip, downstream, T-1)' })
  async create(@Req() request: Request, @Body() body: CreateDispatchDto) {
    const input = {
      timezone: 'UTC',
      misfirePolicy: 'run_once' as const,
      overlapPolicy: 'skip' as const,
      runDownstream: true,
      dataDateOffsetDays: -1,
      // DTO instances carry every declared field, absent ones as undefined: keep the defaults for those.
      ...Object.fromEntries(Object.entries(body).filter(([, value]) => value !== undefined)),
    };
    return { data: await this.dispatches.create(input, request.principal!, request.ip) };
  }

  @Patch(':id')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Change a dispatch' })
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: UpdateDispatchDto) {
    return { data: await this.dispatches.update(id, body, request.principal!, request.ip) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Pause a dispatch (it stops firing)' })
  async pause(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.dispatches.setEnabled(id, false, request.principal!, request.ip) };
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Resume a dispatch; fires missed while paused are not recovered' })
  async resume(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.dispatches.setEnabled(id, true, request.principal!, request.ip) };
  }

  @Delete(':id')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Delete a dispatch and its alert rules' })
  async remove(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.dispatches.remove([id], request.principal!, request.ip) };
  }

  @Post('delete')
  @HttpCode(200)
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Delete several dispatches and their alert rules in one transaction' })
  async removeMany(@Req() request: Request, @Body() body: DeleteManyDto) {
    return { data: await this.dispatches.remove(body.ids, request.principal!, request.ip) };
  }

  @Get(':id/alerts')
  @ApiOperation({ summary: 'The alert rules of a dispatch' })
  async alertRules(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.alerts.list(id) };
  }

  @Put(':id/alerts')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Replace all alert rules of a dispatch (one transaction)' })
  async replaceAlerts(
    @Req() request: Request,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: ReplaceDispatchAlertsDto,
  ) {
    return { data: await this.alerts.replace(id, body.rules, request.principal!, request.ip) };
  }

  @Post(':id/alerts')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Add an alert rule: event, channel, recipients' })
  async addAlert(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: DispatchAlertDto) {
    return { data: await this.alerts.add(id, body, request.principal!, request.ip) };
  }

  @Patch(':id/alerts/:alertId')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Change the recipients or enabled flag of an alert rule' })
  async updateAlert(
    @Req() request: Request,
    @Param('id', ParseIntPipe) id: number,
    @Param('alertId', ParseIntPipe) alertId: number,
    @Body() body: UpdateDispatchAlertDto,
  ) {
    return { data: await this.alerts.update(id, alertId, body, request.principal!, request.ip) };
  }

  @Delete(':id/alerts/:alertId')
  @RequirePermission('schedule')
  @ApiOperation({ summary: 'Delete an alert rule' })
  async removeAlert(
    @Req() request: Request,
    @Param('id', ParseIntPipe) id: number,
    @Param('alertId', ParseIntPipe) alertId: number,
  ) {
    return { data: await this.alerts.remove(id, alertId, request.principal!, request.ip) };
  }
}
