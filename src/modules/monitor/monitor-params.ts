import { ValidationException } from '../../common/http/app.exception.js';
import { isDataDate } from '../execution/dto/execution.dto.js';
import { EXECUTION_STATES } from '../execution/execution.entity.js';
import { RUN_STATES } from '../execution/job-run.entity.js';
import type { HistoryFilter } from './history.service.js';
import { MONITOR_STATES, type MonitorState } from './monitor-rows.js';
import type { MonitorFilter } from './monitor.service.js';

type Query = Record<string, unknown>;

/** A query value, '' and absent both meaning "no filter"; arrays (repeated keys) are refused. */
function text(query: Query, field: string, max: number): string | undefined {
  const value = query[field];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || value.length > max) {
    throw new ValidationException({ [field]: `must be text of at most ${max} characters` });
  }
  return value;
}

function date(query: Query, field: string): string | undefined {
  const value = text(query, field, 10);
  if (value !== undefined && !isDataDate(value))
    throw new ValidationException({ [field]: 'must be a date as YYYY-MM-DD' });
  return value;
}

function oneOf<T extends string>(query: Query, field: string, allowed: readonly T[]): T | undefined {
  const value = text(query, field, 32);
  if (value !== undefined && !(allowed as readonly string[]).includes(value)) {
    throw new ValidationException({ [field]: `must be one of ${allowed.join(', ')}` });
  }
  return value as T | undefined;
}

function whole(query: Query, field: string, fallback: number, max: number): number {
  const value = text(query, field, 9);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > max) {
    throw new ValidationException({ [field]: `must be a whole number from 1 to ${max}` });
  }
  return Number(value);
}

/** ?folder=&status=&dataDate= of the monitor; 400 naming the field when a value is bad. */
export function monitorFilter(query: Query): MonitorFilter {
  return {
    folder: text(query, 'folder', 128),
    status: oneOf<MonitorState>(query, 'status', MONITOR_STATES),
    dataDate: date(query, 'dataDate'),
  };
}

/** ?state=&from=&to=&page=&pageSize= of the history pages and APIs. */
export function historyFilter(query: Query, kind: 'execution' | 'run'): HistoryFilter {
  const states: readonly string[] = kind === 'execution' ? EXECUTION_STATES : RUN_STATES;
  return {
    state: oneOf(query, 'state', states),
    from: date(query, 'from'),
    to: date(query, 'to'),
    page: whole(query, 'page', 1, 1_000_000),
    pageSize: whole(query, 'pageSize', 20, 200),
  };
}

/** The same filter for a page: a bad value is dropped instead of refused (a hand-edited URL still shows). */
export function lenient<T>(read: (query: Query) => T, query: Query): T {
  const kept: Query = {};
  for (const [key, value] of Object.entries(query)) {
    try {
      read({ [key]: value });
      kept[key] = value;
    } catch {
      // left out
    }
  }
  return read(kept);
}
