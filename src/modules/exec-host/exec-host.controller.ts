import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { formBoolean, formString } from '../users/form.js';
import {
  booleanFilter,
  formIds,
  removeOrConfirm,
  parseListQuery,
  queryString,
  sortLinks,
  backTo,
} from './crud-support.js';
import { translate, type Language } from '../../common/i18n/i18n.js';
import { HOST_STATES } from './exec-host.entity.js';
import { LIVE_SCRIPT_KEYS } from './exec-host-live.i18n.js';
import { execHostFromForm, type ExecHostInput } from './exec-host.input.js';
import { ExecHostProbeService } from './exec-host-probe.service.js';
import { ExecHostRemovalService } from './exec-host-removal.service.js';
import { ExecHostService, HOST_SORTS, isHostState } from './exec-host.service.js';

/** Pages: list, new/edit forms, detail with live status and "test connection", enable/disable, delete. */
@Controller('exec-hosts')
export class ExecHostController {
  constructor(
    private readonly hosts: ExecHostService,
    private readonly removal: ExecHostRemovalService,
    private readonly probe: ExecHostProbeService,
  ) {}

  @Get()
  @Render('exec-hosts/list')
  async list(@Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, HOST_SORTS, 'name', false);
    const filters = {
      enabled: booleanFilter(query, 'enabled', false),
      state: isHostState(query.state) ? query.state : undefined,
      tag: typeof query.tag === 'string' ? query.tag.trim() : undefined,
    };
    const { rows, total } = await this.hosts.list({ ...list, ...filters });
    return {
      title: 'execHosts.title',
      rows,
      list,
      filters,
      states: HOST_STATES,
      page: pageView(list, total),
      query: queryString({ ...filters, search: list.search, sort: list.sort, order: list.order.toLowerCase() }),
      sorts: sortLinks(list, HOST_SORTS, filters),
    };
  }

  @Get('new')
  @RequirePermission('write')
  @Render('exec-hosts/form')
  newForm() {
    return { title: 'execHosts.new', creating: true, form: { slots: 4, enabled: true, tags: '' } };
  }

  @Post('new')
  @RequirePermission('write')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const input = execHostFromForm(body);
    try {
      const host = await this.hosts.create(input, request.principal!, request.ip);
      response.redirect(303, `/exec-hosts/${host.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('exec-hosts/form', {
        title: 'execHosts.new',
        creating: true,
        form: formModel(input, body),
        errors: error.fields,
      });
    }
  }

  @Post('delete')
  @RequirePermission('write')
  async deleteMany(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    await this.remove(request, response, formIds(body), formBoolean(body, 'cascade'));
  }

  /** Live status of every host, refreshed by its script from GET /api/exec-hosts/live. */
  @Get('live')
  @Render('exec-hosts/live')
  livePage(@Res({ passthrough: true }) response: Response) {
    const lang = response.locals.lang as Language;
    const text = Object.fromEntries(
      LIVE_SCRIPT_KEYS.map((key) => [key.replace(/^execHosts\./, ''), translate(lang, key)]),
    );
    return { title: 'execHosts.live', page: { text } };
  }

  @Get(':id')
  @Render('exec-hosts/detail')
  async detail(@Param('id', ParseIntPipe) id: number) {
    return { title: 'execHosts.title', host: await this.hosts.get(id) };
  }

  @Get(':id/edit')
  @RequirePermission('write')
  @Render('exec-hosts/form')
  async editForm(@Param('id', ParseIntPipe) id: number) {
    const host = await this.hosts.get(id);
    return { title: 'execHosts.edit', creating: false, hostId: id, form: { ...host, tags: host.tags.join(', ') } };
  }

  @Post(':id')
  @RequirePermission('write')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const input = execHostFromForm(body);
    try {
      await this.hosts.update(id, input, request.principal!, request.ip);
      response.redirect(303, `/exec-hosts/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const host = await this.hosts.get(id);
      response.status(400).render('exec-hosts/form', {
        title: 'execHosts.edit',
        creating: false,
        hostId: id,
        form: { ...host, ...formModel(input, body) },
        errors: error.fields,
      });
    }
  }

  /** Shows the node's answer, or why there was none, on the detail page. */
  @Post(':id/test')
  @RequirePermission('write')
  async test(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    try {
      const { info, host } = await this.probe.test(id, request.principal!, request.ip);
      response.status(200).render('exec-hosts/detail', { title: 'execHosts.title', host, testOk: true, info });
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'UNAVAILABLE') throw error;
      const host = await this.hosts.get(id);
      response.status(200).render('exec-hosts/detail', { title: 'execHosts.title', host, testError: error.message });
    }
  }

  @Post(':id/enable')
  @RequirePermission('write')
  async enable(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.hosts.setEnabled(id, true, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/exec-hosts', `/exec-hosts/${id}`));
  }

  @Post(':id/disable')
  @RequirePermission('write')
  async disable(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.hosts.setEnabled(id, false, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/exec-hosts', `/exec-hosts/${id}`));
  }

  @Post(':id/delete')
  @RequirePermission('write')
  async deleteOne(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.remove(request, response, [id], formBoolean(body, 'cascade'));
  }

  private remove(request: Request, response: Response, ids: number[], cascade: boolean): Promise<void> {
    return removeOrConfirm(response, { list: '/exec-hosts', ids, cascadeLabel: 'execHosts.cascade' }, () =>
      this.removal.remove(ids, cascade, request.principal!, request.ip),
    );
  }
}

/** The form as typed, for showing it again (never the token). */
function formModel(input: ExecHostInput, body: Record<string, unknown>) {
  return { ...input, token: '', slots: formString(body, 'slots') ?? '', tags: (input.tags ?? []).join(', ') };
}
