import { parseCron, type CronSchedule } from '../../infra/cron/cron-schedule.js';
import { formInteger } from '../exec-host/crud-support.js';
import { formBoolean, formString } from '../users/form.js';
import { MISFIRE_POLICIES, OVERLAP_POLICIES, type MisfirePolicy, type OverlapPolicy } from './dispatch.entity.js';

/** What a user may set on a dispatch; on update absent fields stay unchanged. */
export interface DispatchInput {
  interfaceId?: number;
  name?: string;
  description?: string;
  cron?: string;
  timezone?: string;
  enabled?: boolean;
  misfirePolicy?: MisfirePolicy;
  overlapPolicy?: OverlapPolicy;
  runDownstream?: boolean;
  dataDateOffsetDays?: number;
}

export const MAX_OFFSET_DAYS = 366;
const DISPATCH_NAME = /^[^\p{Cc}]{1,128}$/u;

/**
 * Field → problem for every invalid field. `current` fills in the cron or zone not being changed so
 * the pair is always checked together; the parsed schedule is returned for normalised storage.
 */
export function dispatchProblems(
  input: DispatchInput,
  creating: boolean,
  current?: { cron: string; timezone: string },
): { fields: Record<string, string>; schedule: CronSchedule | null } {
  const fields: Record<string, string> = {};
  const need = (value: unknown) => creating || value !== undefined;
  if (need(input.interfaceId) && !(Number.isInteger(input.interfaceId) && input.interfaceId! >= 1)) {
    fields.interfaceId = 'must be the id of an interface';
  }
  if (need(input.name) && (!input.name || !DISPATCH_NAME.test(input.name))) fields.name = 'must be 1-128 characters';
  if (input.description !== undefined && input.description.length > 1000) {
    fields.description = 'must be at most 1000 characters';
  }
  let schedule: CronSchedule | null = null;
  if (creating || input.cron !== undefined || input.timezone !== undefined) {
    const parsed = parseCron(input.cron ?? current?.cron ?? '', input.timezone ?? current?.timezone ?? 'UTC');
    if (parsed.ok) schedule = parsed.schedule;
    else fields[parsed.field] = parsed.error;
  }
  if (need(input.misfirePolicy) && !MISFIRE_POLICIES.some((policy) => policy === input.misfirePolicy)) {
    fields.misfirePolicy = `must be one of ${MISFIRE_POLICIES.join(', ')}`;
  }
  if (need(input.overlapPolicy) && !OVERLAP_POLICIES.some((policy) => policy === input.overlapPolicy)) {
    fields.overlapPolicy = `must be one of ${OVERLAP_POLICIES.join(', ')}`;
  }
  const offset = input.dataDateOffsetDays;
  if (need(offset) && !(Number.isInteger(offset) && Math.abs(offset!) <= MAX_OFFSET_DAYS)) {
    fields.dataDateOffsetDays = `must be an integer from -${MAX_OFFSET_DAYS} to ${MAX_OFFSET_DAYS}`;
  }
  return { fields, schedule };
}

/** A dispatch form as typed input (a bad number stays NaN so it is reported). */
export function dispatchFromForm(body: Record<string, unknown>): DispatchInput {
  return {
    interfaceId: formInteger(body, 'interfaceId') ?? NaN,
    name: formString(body, 'name')?.trim() ?? '',
    description: formString(body, 'description') ?? '',
    cron: formString(body, 'cron')?.trim() ?? '',
    timezone: formString(body, 'timezone')?.trim() ?? '',
    enabled: formBoolean(body, 'enabled'),
    misfirePolicy: formString(body, 'misfirePolicy') as MisfirePolicy,
    overlapPolicy: formString(body, 'overlapPolicy') as OverlapPolicy,
    runDownstream: formBoolean(body, 'runDownstream'),
    dataDateOffsetDays: formInteger(body, 'dataDateOffsetDays') ?? NaN,
  };
}
