import { normaliseRecipients } from '../alert/recipients.js';
import { MAX_RULES, alertRuleProblems } from '../dispatch/dispatch-alert.service.js';
import type { AlertEvent } from '../dispatch/dispatch.entity.js';
import { dispatchProblems, type DispatchInput } from '../dispatch/dispatch.input.js';
import { changedFields } from '../interface/definition-rules.js';
import { DISPATCH_DIFF_FIELDS, sortAlerts, type FileAlert, type FileDispatch } from './definitions-format.js';
import { fileDispatch } from './definitions-export.js';
import type { DiffRow, ImportDispatch } from './import-model.js';
import { PlanContext, addError, addFieldErrors, newRow, type PlannedDispatch } from './plan-context.js';

/** A dispatch left incomplete in a file takes the same defaults as a new one in the form. */
function withDefaults(item: ImportDispatch): Required<DispatchInput> {
  const input = item.input;
  return {
    interfaceId: 1, // stands in for the interface, which the file names (resolved apart)
    name: item.name,
    description: input.description ?? '',
    cron: input.cron ?? '',
    timezone: input.timezone ?? 'UTC',
    enabled: input.enabled ?? true,
    misfirePolicy: input.misfirePolicy ?? 'run_once',
    overlapPolicy: input.overlapPolicy ?? 'skip',
    runDownstream: input.runDownstream ?? true,
    dataDateOffsetDays: input.dataDateOffsetDays ?? -1,
  };
}

function planAlerts(context: PlanContext, item: ImportDispatch, row: DiffRow): FileAlert[] {
  if (item.alerts.length > MAX_RULES) addError(row, item.origin, 'alerts', `at most ${MAX_RULES} rules per dispatch`);
  const seen = new Set<string>();
  const alerts: FileAlert[] = [];
  item.alerts.forEach((alert, index) => {
    const channel = context.snapshot.channelByName.get(alert.channel ?? '');
    const fields: Record<string, string> = {};
    alertRuleProblems(alert as { event?: AlertEvent; recipients?: string }, channel, `alerts.${index}.`, fields);
    if (!channel) fields[`alerts.${index}.channelId`] = `unknown alert channel '${alert.channel ?? ''}'`;
    const key = `${alert.event}\u0000${alert.channel}`;
    if (seen.has(key)) fields[`alerts.${index}.channelId`] = 'already alerts on this event through this channel';
    seen.add(key);
    addFieldErrors(row, item.origin, fields, { [`alerts.${index}.channelId`]: `alerts.${index}.channel` });
    if (!channel || Object.keys(fields).length > 0) return;
    alerts.push({
      event: alert.event as AlertEvent,
      channel: channel.name,
      recipients: normaliseRecipients(alert.recipients ?? '', channel.type === 'smtp'),
      enabled: alert.enabled ?? true,
    });
  });
  return sortAlerts(alerts);
}

function planDispatch(context: PlanContext, item: ImportDispatch, seen: Set<string>): PlannedDispatch {
  const existing = context.snapshot.dispatchByName.get(item.name);
  const row = newRow('dispatch', item.name, existing ? 'unchanged' : 'create', item.origin);
  const input = withDefaults(item);
  const { fields, schedule } = dispatchProblems(input, true);
  addFieldErrors(row, item.origin, fields, { interfaceId: null });
  if (seen.has(item.name)) addError(row, item.origin, 'name', 'appears more than once in the file');
  seen.add(item.name);
  const owner = context.interfaceName(item.interface);
  if (owner === null) addError(row, item.origin, 'interface', `unknown interface '${item.interface}'`);
  const after: FileDispatch = {
    name: item.name,
    interface: owner ?? item.interface,
    description: input.description,
    cron: schedule?.expression ?? input.cron,
    timezone: schedule?.timezone ?? input.timezone,
    enabled: input.enabled,
    misfirePolicy: input.misfirePolicy,
    overlapPolicy: input.overlapPolicy,
    runDownstream: input.runDownstream,
    dataDateOffsetDays: input.dataDateOffsetDays,
    alerts: planAlerts(context, item, row),
  };
  if (existing) {
    const changes = changedFields(fileDispatch(context.snapshot, existing), after, DISPATCH_DIFF_FIELDS);
    if (Object.keys(changes).length > 0) Object.assign(row, { action: 'update', changes });
  }
  return { row, origin: item.origin, existing, after };
}

/** The file's dispatches as creates, updates or unchanged: cron, zone, policies and alert rules checked. */
export function planDispatches(context: PlanContext): PlannedDispatch[] {
  const seen = new Set<string>();
  return context.document.dispatches.map((item) => planDispatch(context, item, seen));
}
