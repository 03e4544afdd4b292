import { Injectable } from '@nestjs/common';
import { nextFires, parseCron } from '../../infra/cron/cron-schedule.js';
import { AlertChannelService } from '../alert/alert-channel.service.js';
import { DispatchAlertService } from './dispatch-alert.service.js';
import { ALERT_EVENTS } from './dispatch.entity.js';
import { DispatchService } from './dispatch.service.js';
import { localTime, type DispatchView } from './dispatch.view.js';

export const PREVIEW_COUNT = 10;

/** The next fires of the form's cron and zone, as the page shows them (or the problem). */
export function previewModel(cron: string, timezone: string) {
  if (cron.trim() === '') return { fires: [], error: '' };
  const parsed = parseCron(cron, timezone || 'UTC');
  if (!parsed.ok) return { fires: [], error: `${parsed.field}: ${parsed.error}` };
  const fires = nextFires(parsed.schedule, new Date(), PREVIEW_COUNT);
  return {
    fires: fires.map((date) => ({ utc: date.toISOString(), local: localTime(date, parsed.schedule.timezone) })),
    error: '',
  };
}

/** Page models shared by the dispatch page controllers. */
@Injectable()
export class DispatchPageModels {
  constructor(
    private readonly dispatches: DispatchService,
    private readonly alerts: DispatchAlertService,
    private readonly channels: AlertChannelService,
  ) {}

  /** The detail page: settings, the next fires, and the alert rules with their form. */
  async detailModel(id: number, extra: Record<string, unknown> = {}) {
    const dispatch: DispatchView = await this.dispatches.get(id);
    return {
      title: 'dispatches.title',
      dispatch,
      preview: previewModel(dispatch.cron, dispatch.timezone),
      rules: await this.alerts.list(id),
      channels: await this.channels.choices(),
      events: ALERT_EVENTS,
      ruleForm: { event: 'failure' },
      ...extra,
    };
  }
}
