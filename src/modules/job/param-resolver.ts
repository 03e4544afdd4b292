import type { ParamKind } from './job.entity.js';

/** What a run knows when its params are resolved (at execution snapshot time). */
export interface RunContext {
  /** The execution's data date, YYYY-MM-DD. */
  dataDate: string;
  executionId: string | number;
  jobName: string;
  interfaceName: string;
}

const CONTEXT_NAMES = ['data_date', 'execution_id', 'job_name', 'interface_name'] as const;
const FORMAT_TOKENS = /yyyy|yy|MM|dd/g;

/**
 * Context param expressions: `data_date[:<format>[:<offset days>]]` (format from yyyy, yy, MM, dd and
 * literal characters; e.g. `data_date:yyyyMMdd:-1` is the day before the data date as 20261121),
 * `execution_id`, `job_name`, `interface_name`. Returns a message when the expression is invalid.
 */
export function contextParamProblem(expression: string): string | null {
  const [name, format, offset, ...rest] = expression.split(':');
  if (!(CONTEXT_NAMES as readonly string[]).includes(name)) {
    return `must start with one of ${CONTEXT_NAMES.join(', ')}`;
  }
  if (name !== 'data_date' && expression !== name) return `${name} takes no format or offset`;
  if (rest.length > 0) return 'must be data_date[:format[:offset]]';
  if (format !== undefined && (format === '' || format.replace(FORMAT_TOKENS, '').match(/[A-Za-z]/))) {
    return 'format may use yyyy, yy, MM, dd and separators only';
  }
  if (offset !== undefined && !/^[+-]?\d{1,5}$/.test(offset)) return 'offset must be a whole number of days, e.g. -1';
  return null;
}

export function shiftDate(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

function formatDate(date: string, format: string): string {
  const [yyyy, MM, dd] = date.split('-');
  return format.replace(FORMAT_TOKENS, (token) => ({ yyyy, yy: yyyy.slice(2), MM, dd })[token] ?? token);
}

/** The value a param passes to the process: static values as they are, context ones evaluated. */
export function resolveParam(kind: ParamKind, value: string, context: RunContext): string {
  if (kind === 'static') return value;
  const problem = contextParamProblem(value);
  if (problem) throw new Error(`context param "${value}": ${problem}`);
  const [name, format = 'yyyy-MM-dd', offset = '0'] = value.split(':');
  switch (name) {
    case 'data_date':
      return formatDate(shiftDate(context.dataDate, Number(offset)), format);
    case 'execution_id':
      return String(context.executionId);
    case 'job_name':
      return context.jobName;
    default:
      return context.interfaceName;
  }
}
