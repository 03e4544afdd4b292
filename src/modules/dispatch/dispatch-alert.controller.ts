import { Body, Controller, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { formInteger } from '../exec-host/crud-support.js';
import { formString } from '../users/form.js';
import { DispatchAlertService } from './dispatch-alert.service.js';
import type { AlertEvent } from './dispatch.entity.js';
import { DispatchPageModels } from './dispatch-page.models.js';
import { OwnedBy } from '../access/owned-by.js';

/** The alert rules on the dispatch detail page (the legacy "alert tab"): add, enable/disable, delete. */
@Controller('dispatches/:id/alerts')
@OwnedBy('dispatch')
@RequirePermission('schedule')
export class DispatchAlertController {
  constructor(
    private readonly alerts: DispatchAlertService,
    private readonly pages: DispatchPageModels,
  ) {}

  @Post()
  async add(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const rule = {
      event: formString(body, 'event') as AlertEvent,
      channelId: formInteger(body, 'channelId') ?? NaN,
      recipients: formString(body, 'recipients') ?? '',
      enabled: true,
    };
    try {
      await this.alerts.add(id, rule, request.principal!, request.ip);
      response.redirect(303, `/dispatches/${id}#alerts`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const ruleForm = { event: rule.event, channelId: formString(body, 'channelId'), recipients: rule.recipients };
      response
        .status(400)
        .render('dispatches/detail', await this.pages.detailModel(id, { ruleForm, errors: error.fields }));
    }
  }

  @Post(':alertId/enable')
  async enable(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('alertId', ParseIntPipe) alertId: number,
  ) {
    await this.alerts.update(id, alertId, { enabled: true }, request.principal!, request.ip);
    response.redirect(303, `/dispatches/${id}#alerts`);
  }

  @Post(':alertId/disable')
  async disable(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('alertId', ParseIntPipe) alertId: number,
  ) {
    await this.alerts.update(id, alertId, { enabled: false }, request.principal!, request.ip);
    response.redirect(303, `/dispatches/${id}#alerts`);
  }

  @Post(':alertId/delete')
  async remove(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('alertId', ParseIntPipe) alertId: number,
  ) {
    await this.alerts.remove(id, alertId, request.principal!, request.ip);
    response.redirect(303, `/dispatches/${id}#alerts`);
  }
}
