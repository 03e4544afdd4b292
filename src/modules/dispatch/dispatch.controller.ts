import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { backTo, booleanFilter, formIds, parseListQuery, queryString, sortLinks } from '../exec-host/crud-support.js';
import { formString } from '../users/form.js';
import { DispatchPageModels, previewModel } from './dispatch-page.models.js';
import { MISFIRE_POLICIES, OVERLAP_POLICIES } from './dispatch.entity.js';
import { dispatchFromForm } from './dispatch.input.js';
import { DISPATCH_SORTS, DispatchService } from './dispatch.service.js';
import { localTime } from './dispatch.view.js';
import { OwnedBy } from '../access/owned-by.js';

const formOptions = { misfirePolicies: MISFIRE_POLICIES, overlapPolicies: OVERLAP_POLICIES };

/** Pages: list, new/edit forms with the live cron preview, detail with alert rules, pause/resume, delete. */
@Controller('dispatches')
@OwnedBy('dispatch')
export class DispatchController {
  constructor(
    private readonly dispatches: DispatchService,
    private readonly pages: DispatchPageModels,
  ) {}

  @Get()
  @Render('dispatches/list')
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, DISPATCH_SORTS, 'name', false);
    const interfaceId =
      typeof query.interfaceId === 'string' && /^\d{1,9}$/.test(query.interfaceId)
        ? Number(query.interfaceId)
        : undefined;
    const filters = { interfaceId, enabled: booleanFilter(query, 'enabled', false) };
    const { rows, total } = await this.dispatches.list({ ...list, ...filters, user: request.principal });
    return {
      title: 'dispatches.title',
      rows: rows.map((row) => ({
        ...row,
        nextFireLocal: row.nextFireAt ? localTime(row.nextFireAt, row.timezone) : '',
      })),
      list,
      filters,
      interfaces: await this.dispatches.interfaceChoices(request.principal),
      page: pageView(list, total),
      query: queryString({ ...filters, search: list.search, sort: list.sort, order: list.order.toLowerCase() }),
      sorts: sortLinks(list, DISPATCH_SORTS, filters),
    };
  }

  /** The interface picker lists only interfaces the user may see. */
  private async formModel(
    request: Request,
    title: string,
    form: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) {
    return {
      title,
      form,
      interfaces: await this.dispatches.interfaceChoices(request.principal),
      preview: previewModel(
        typeof form.cron === 'string' ? form.cron : '',
        typeof form.timezone === 'string' ? form.timezone : 'UTC',
      ),
      ...formOptions,
      ...extra,
    };
  }

  @Get('new')
  @RequirePermission('schedule')
  @Render('dispatches/form')
  newForm(@Req() request: Request, @Query('interfaceId') interfaceId: unknown) {
    const form = {
      interfaceId: typeof interfaceId === 'string' ? interfaceId : '',
      cron: '0 0 2 * * ?',
      timezone: 'UTC',
      enabled: true,
      misfirePolicy: 'run_once',
      overlapPolicy: 'skip',
      runDownstream: true,
      dataDateOffsetDays: -1,
    };
    return this.formModel(request, 'dispatches.new', form, { creating: true });
  }

  @Post('new')
  @RequirePermission('schedule')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    try {
      const dispatch = await this.dispatches.create(dispatchFromForm(body), request.principal!, request.ip);
      response.redirect(303, `/dispatches/${dispatch.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const model = await this.formModel(request, 'dispatches.new', formFromBody(body), {
        creating: true,
        errors: error.fields,
      });
      response.status(400).render('dispatches/form', model);
    }
  }

  @Post('delete')
  @RequirePermission('schedule')
  async deleteMany(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    await this.dispatches.remove(formIds(body), request.principal!, request.ip);
    response.redirect(303, '/dispatches');
  }

  @Get(':id')
  @Render('dispatches/detail')
  detail(@Param('id', ParseIntPipe) id: number) {
    return this.pages.detailModel(id);
  }

  @Get(':id/edit')
  @RequirePermission('schedule')
  @Render('dispatches/form')
  async editForm(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const dispatch = await this.dispatches.get(id);
    return this.formModel(request, 'dispatches.edit', { ...dispatch }, { creating: false, dispatchId: id });
  }

  @Post(':id')
  @RequirePermission('schedule')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    try {
      await this.dispatches.update(id, dispatchFromForm(body), request.principal!, request.ip);
      response.redirect(303, `/dispatches/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      await this.dispatches.get(id);
      const model = await this.formModel(request, 'dispatches.edit', formFromBody(body), {
        creating: false,
        dispatchId: id,
        errors: error.fields,
      });
      response.status(400).render('dispatches/form', model);
    }
  }

  @Post(':id/pause')
  @RequirePermission('schedule')
  async pause(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.dispatches.setEnabled(id, false, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/dispatches', `/dispatches/${id}`));
  }

  @Post(':id/resume')
  @RequirePermission('schedule')
  async resume(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.dispatches.setEnabled(id, true, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/dispatches', `/dispatches/${id}`));
  }

  @Post(':id/delete')
  @RequirePermission('schedule')
  async deleteOne(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.dispatches.remove([id], request.principal!, request.ip);
    response.redirect(303, '/dispatches');
  }
}

/** The form as typed, to show again after an error. */
function formFromBody(body: Record<string, unknown>) {
  const fields = [
    'interfaceId',
    'name',
    'description',
    'cron',
    'timezone',
    'misfirePolicy',
    'overlapPolicy',
    'dataDateOffsetDays',
  ];
  const form: Record<string, unknown> = Object.fromEntries(
    fields.map((field) => [field, formString(body, field) ?? '']),
  );
  const input = dispatchFromForm(body);
  form.enabled = input.enabled;
  form.runDownstream = input.runDownstream;
  return form;
}
