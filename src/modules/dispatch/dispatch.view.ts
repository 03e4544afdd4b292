import { nextFires, parseCron } from '../../infra/cron/cron-schedule.js';
import type { DispatchEntity } from './dispatch.entity.js';

/** What the API and pages show of a dispatch. */
export interface DispatchView {
  id: number;
  interfaceId: number;
  interfaceName: string | null;
  name: string;
  description: string;
  cron: string;
  timezone: string;
  enabled: boolean;
  misfirePolicy: DispatchEntity['misfirePolicy'];
  overlapPolicy: DispatchEntity['overlapPolicy'];
  runDownstream: boolean;
  dataDateOffsetDays: number;
  /** The next fire (computed by the scheduler's code), null when paused. */
  nextFireAt: Date | null;
  lastFireAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  updatedBy: string;
}

/** The next `count` fires of a saved dispatch after `after`; [] if it no longer parses. */
export function upcomingFires(dispatch: Pick<DispatchEntity, 'cron' | 'timezone'>, after: Date, count: number): Date[] {
  const parsed = parseCron(dispatch.cron, dispatch.timezone);
  return parsed.ok ? nextFires(parsed.schedule, after, count) : [];
}

export function dispatchView(dispatch: DispatchEntity, interfaceName: string | null, now = new Date()): DispatchView {
  return {
    id: dispatch.id,
    interfaceId: dispatch.interfaceId,
    interfaceName,
    name: dispatch.name,
    description: dispatch.description,
    cron: dispatch.cron,
    timezone: dispatch.timezone,
    enabled: dispatch.enabled,
    misfirePolicy: dispatch.misfirePolicy,
    overlapPolicy: dispatch.overlapPolicy,
    runDownstream: dispatch.runDownstream,
    dataDateOffsetDays: dispatch.dataDateOffsetDays,
    nextFireAt: dispatch.enabled ? (upcomingFires(dispatch, now, 1)[0] ?? null) : null,
    lastFireAt: dispatch.lastFireAt,
    createdAt: dispatch.createdAt,
    updatedAt: dispatch.updatedAt,
    updatedBy: dispatch.updatedBy,
  };
}

/** "2026-03-08 03:00:00 EDT" in the dispatch's zone, for pages and the preview. */
export function localTime(date: Date, timezone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone: timezone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(date);
  const part = (type: string) => parts.find((item) => item.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
}
