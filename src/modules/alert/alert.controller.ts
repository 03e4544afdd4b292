import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { ALERT_PLACEHOLDERS, DEFAULT_BODY_TEMPLATE } from '../../infra/mail/body-template.js';
import { SMTP_TLS_MODES } from '../../infra/mail/mail-transport.js';
import { WEBHOOK_METHODS } from '../../infra/mail/webhook-sender.js';
import {
  backTo,
  booleanFilter,
  formIds,
  removeOrConfirm,
  parseListQuery,
  queryString,
  sortLinks,
} from '../exec-host/crud-support.js';
import { formBoolean, formString } from '../users/form.js';
import { CHANNEL_TYPES } from './alert-channel.entity.js';
import { alertChannelFromForm } from './alert-channel.input.js';
import { AlertChannelRemovalService } from './alert-channel-removal.service.js';
import { AlertChannelService, CHANNEL_SORTS, isChannelType } from './alert-channel.service.js';
import type { AlertChannelView } from './alert-channel.view.js';
import { AlertTestService } from './alert-test.service.js';

const FORM_FIELDS = [
  'name',
  'type',
  'smtpHost',
  'smtpPort',
  'smtpTls',
  'smtpUser',
  'smtpFrom',
  'webhookUrl',
  'webhookMethod',
  'webhookBodyTemplate',
  'webhookHeaders',
] as const;

/** The flat form of a saved channel (no secrets). */
function formFromView(view: AlertChannelView) {
  return {
    name: view.name,
    type: view.type,
    enabled: view.enabled,
    smtpHost: view.smtp?.host,
    smtpPort: view.smtp?.port,
    smtpTls: view.smtp?.tls,
    smtpUser: view.smtp?.user,
    smtpFrom: view.smtp?.from,
    webhookUrl: view.webhook?.url,
    webhookMethod: view.webhook?.method,
    webhookBodyTemplate: view.webhook?.bodyTemplate,
    webhookHeaders: Object.entries(view.webhook?.headers ?? {})
      .map(([name, value]) => `${name}: ${value}`)
      .join('\n'),
  };
}

/** The form as typed, to show again after an error (secrets are never sent back). */
function formFromBody(body: Record<string, unknown>) {
  const form: Record<string, unknown> = Object.fromEntries(
    FORM_FIELDS.map((field) => [field, formString(body, field)]),
  );
  form.enabled = formBoolean(body, 'enabled');
  return form;
}

const formOptions = {
  types: CHANNEL_TYPES,
  tlsModes: SMTP_TLS_MODES,
  methods: WEBHOOK_METHODS,
  placeholders: ALERT_PLACEHOLDERS.map((name) => `{{${name}}}`),
};

/** Pages: list, new/edit forms, detail with "send test message", enable/disable, delete. */
@Controller('alerts')
export class AlertController {
  constructor(
    private readonly channels: AlertChannelService,
    private readonly removal: AlertChannelRemovalService,
    private readonly tester: AlertTestService,
  ) {}

  @Get()
  @Render('alerts/list')
  async list(@Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, CHANNEL_SORTS, 'name', false);
    const filters = {
      type: isChannelType(query.type) ? query.type : undefined,
      enabled: booleanFilter(query, 'enabled', false),
    };
    const { rows, total } = await this.channels.list({ ...list, ...filters });
    return {
      title: 'alerts.title',
      rows,
      list,
      filters,
      types: CHANNEL_TYPES,
      page: pageView(list, total),
      query: queryString({ ...filters, search: list.search, sort: list.sort, order: list.order.toLowerCase() }),
      sorts: sortLinks(list, CHANNEL_SORTS, filters),
    };
  }

  @Get('new')
  @RequirePermission('write')
  @Render('alerts/form')
  newForm() {
    const form = {
      type: 'smtp',
      enabled: true,
      smtpPort: 25,
      smtpTls: 'starttls',
      webhookMethod: 'POST',
      webhookBodyTemplate: DEFAULT_BODY_TEMPLATE,
    };
    return { title: 'alerts.new', creating: true, form, ...formOptions };
  }

  @Post('new')
  @RequirePermission('write')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const { input, problems } = alertChannelFromForm(body, true);
    try {
      const channel = await this.channels.create(input, request.principal!, request.ip, problems);
      response.redirect(303, `/alerts/${channel.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('alerts/form', {
        title: 'alerts.new',
        creating: true,
        form: formFromBody(body),
        errors: error.fields,
        ...formOptions,
      });
    }
  }

  @Post('delete')
  @RequirePermission('write')
  async deleteMany(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    await this.remove(request, response, formIds(body), formBoolean(body, 'cascade'));
  }

  @Get(':id')
  @Render('alerts/detail')
  async detail(@Param('id', ParseIntPipe) id: number) {
    return { title: 'alerts.title', channel: await this.channels.get(id) };
  }

  @Get(':id/edit')
  @RequirePermission('write')
  @Render('alerts/form')
  async editForm(@Param('id', ParseIntPipe) id: number) {
    const channel = await this.channels.get(id);
    return { title: 'alerts.edit', creating: false, channel, form: formFromView(channel), ...formOptions };
  }

  @Post(':id')
  @RequirePermission('write')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const { input, problems } = alertChannelFromForm(body, false);
    try {
      await this.channels.update(id, input, request.principal!, request.ip, problems);
      response.redirect(303, `/alerts/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const channel = await this.channels.get(id);
      response.status(400).render('alerts/form', {
        title: 'alerts.edit',
        creating: false,
        channel,
        form: { ...formFromBody(body), type: channel.type },
        errors: error.fields,
        ...formOptions,
      });
    }
  }

  /** Sends a real message and shows what the far end said, or why it was not delivered. */
  @Post(':id/test')
  @RequirePermission('write')
  async test(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const recipients = formString(body, 'recipients') ?? '';
    const model = async (extra: Record<string, unknown>) => ({
      title: 'alerts.title',
      channel: await this.channels.get(id),
      recipients,
      ...extra,
    });
    try {
      const result = await this.tester.send(id, recipients, request.principal!, request.ip);
      response.status(200).render('alerts/detail', await model({ testOk: result }));
    } catch (error) {
      if (error instanceof ValidationException) {
        response.status(400).render('alerts/detail', await model({ errors: error.fields }));
      } else if (error instanceof AppException && error.code === 'UNAVAILABLE') {
        response.status(200).render('alerts/detail', await model({ testError: error.message }));
      } else {
        throw error;
      }
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
    await this.channels.setEnabled(id, true, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/alerts', `/alerts/${id}`));
  }

  @Post(':id/disable')
  @RequirePermission('write')
  async disable(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    await this.channels.setEnabled(id, false, request.principal!, request.ip);
    response.redirect(303, backTo(body, '/alerts', `/alerts/${id}`));
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
    return removeOrConfirm(response, { list: '/alerts', ids, cascadeLabel: 'alerts.cascade' }, () =>
      this.removal.remove(ids, cascade, request.principal!, request.ip),
    );
  }
}
