import {
  addProblem,
  hasControl,
  idListProblem,
  integerProblem,
  nameProblem,
  normalizeFolder,
  textProblem,
  uniqueIds,
  type FieldErrors,
} from '../interface/definition-rules.js';
import {
  COMMAND_TYPES,
  PARAM_KINDS,
  ROUTING_STRATEGIES,
  type CommandType,
  type EdgeCondition,
  type ParamKind,
  type RoutingStrategy,
} from './job.entity.js';
import { edgeProblem } from '../execution/edge-condition.js';
import {
  BROADCAST_AUDIT_FIELDS,
  checkBroadcast,
  type BroadcastInput,
  type BroadcastValues,
} from './broadcast-input.js';
import { contextParamProblem } from './param-resolver.js';
import { ShellWordsError, splitShellWords } from './shell-words.js';

/** The condition of one prerequisite edge; edges not listed are `succeeded`. */
export interface PrerequisiteConditionInput {
  prerequisiteId?: number;
  condition?: string;
  outputName?: string;
  outputMatch?: string;
}

export interface PrerequisiteCondition {
  prerequisiteId: number;
  condition: EdgeCondition;
  outputName: string;
  outputMatch: string;
}

export interface JobParamInput {
  name?: string;
  kind?: string;
  value?: string;
}

/** A job as given by a form or the API (PUT: what is missing takes its default). */
export interface JobInput extends BroadcastInput {
  interfaceId?: number | null;
  name?: string;
  description?: string;
  folder?: string;
  execHostId?: number | null;
  hostTag?: string | null;
  routingStrategy?: string | null;
  workingDir?: string;
  commandType?: string | null;
  command?: string;
  interpreter?: string;
  params?: JobParamInput[] | null;
  successExitCodes?: string | null;
  timeoutWarnSeconds?: number | null;
  timeoutFailSeconds?: number | null;
  retryCount?: number | null;
  retryIntervalSeconds?: number | null;
  retryBackoffPercent?: number | null;
  retryLost?: boolean | null;
  enabled?: boolean | null;
  prerequisiteIds?: number[] | null;
  prerequisiteConditions?: PrerequisiteConditionInput[] | null;
}

export interface JobParamValues {
  name: string;
  kind: ParamKind;
  value: string;
}

/** A checked job, ready to save. */
export interface JobValues extends BroadcastValues {
  interfaceId: number;
  name: string;
  description: string;
  folder: string;
  execHostId: number | null;
  hostTag: string;
  routingStrategy: RoutingStrategy;
  workingDir: string;
  commandType: CommandType;
  command: string;
  interpreter: string;
  params: JobParamValues[];
  successExitCodes: string;
  timeoutWarnSeconds: number;
  timeoutFailSeconds: number;
  retryCount: number | null;
  retryIntervalSeconds: number | null;
  retryBackoffPercent: number;
  retryLost: boolean;
  enabled: boolean;
  prerequisiteIds: number[];
  /** Edges that are not plain `succeeded`, in prerequisiteIds order. */
  prerequisiteConditions: PrerequisiteCondition[];
}

export const MAX_PARAMS = 100;
export const MAX_PREREQUISITES = 1000;
export const MAX_TIMEOUT_SECONDS = 30 * 86_400;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

const oneOf = <T extends string>(list: readonly T[], value: string | null | undefined, fallback: T): T | null =>
  value === undefined || value === null || value === '' ? fallback : (list.find((item) => item === value) ?? null);

/** Field checks that need no database; references, uniqueness and cycles are checked by the service. */
export function checkJobInput(input: JobInput): { values: JobValues; fields: FieldErrors } {
  const fields: FieldErrors = {};
  if (input.interfaceId === undefined || input.interfaceId === null) fields.interfaceId = 'is required';
  else addProblem(fields, 'interfaceId', integerProblem(input.interfaceId, 1, 2 ** 31 - 1));
  addProblem(fields, 'name', nameProblem(input.name));
  addProblem(fields, 'description', textProblem(input.description, 1000, false));
  addProblem(fields, 'folder', textProblem(input.folder, 128));
  const routingStrategy = oneOf(ROUTING_STRATEGIES, input.routingStrategy, 'round_robin');
  if (!routingStrategy) fields.routingStrategy = `must be one of ${ROUTING_STRATEGIES.join(', ')}`;
  const commandType = oneOf(COMMAND_TYPES, input.commandType, 'argv');
  if (!commandType) fields.commandType = `must be one of ${COMMAND_TYPES.join(', ')}`;
  checkTarget(input, fields);
  addProblem(fields, 'workingDir', workingDirProblem(input.workingDir));
  checkCommand(input, commandType ?? 'argv', fields);
  const params = checkParams(input.params ?? [], fields);
  const successExitCodes = parseExitCodes(input.successExitCodes, fields);
  checkTimeouts(input, fields);
  addProblem(fields, 'retryCount', integerProblem(input.retryCount, 0, 100));
  addProblem(fields, 'retryIntervalSeconds', integerProblem(input.retryIntervalSeconds, 0, 86_400));
  addProblem(fields, 'retryBackoffPercent', integerProblem(input.retryBackoffPercent, 100, 1000));
  addProblem(fields, 'prerequisiteIds', idListProblem(input.prerequisiteIds ?? undefined, MAX_PREREQUISITES));
  const values: JobValues = {
    interfaceId: input.interfaceId ?? 0,
    name: (input.name ?? '').trim(),
    description: input.description ?? '',
    folder: normalizeFolder(input.folder),
    execHostId: input.execHostId ?? null,
    hostTag: (input.hostTag ?? '').trim(),
    routingStrategy: routingStrategy ?? 'round_robin',
    workingDir: (input.workingDir ?? '').trim(),
    commandType: commandType ?? 'argv',
    command: commandType === 'script' ? (input.command ?? '') : (input.command ?? '').trim(),
    interpreter: commandType === 'script' ? (input.interpreter ?? '').trim() : '',
    params,
    successExitCodes,
    timeoutWarnSeconds: input.timeoutWarnSeconds ?? 0,
    timeoutFailSeconds: input.timeoutFailSeconds ?? 0,
    retryCount: input.retryCount ?? null,
    retryIntervalSeconds: input.retryIntervalSeconds ?? null,
    retryBackoffPercent: input.retryBackoffPercent ?? 100,
    retryLost: input.retryLost ?? true,
    enabled: input.enabled ?? true,
    ...checkBroadcast(input, fields),
    prerequisiteIds: uniqueIds(input.prerequisiteIds ?? undefined),
    prerequisiteConditions: [],
  };
  values.prerequisiteConditions = checkConditions(input.prerequisiteConditions ?? [], values.prerequisiteIds, fields);
  return { values, fields };
}

/** Conditions name listed prerequisites, once each; `output` needs a name and a value or /regex/. */
function checkConditions(
  items: PrerequisiteConditionInput[],
  prerequisiteIds: number[],
  fields: FieldErrors,
): PrerequisiteCondition[] {
  const listed = new Set(prerequisiteIds);
  const seen = new Set<number>();
  const found: PrerequisiteCondition[] = [];
  items.forEach((item, index) => {
    const at = `prerequisiteConditions.${index}`;
    const id = item.prerequisiteId ?? 0;
    if (!listed.has(id)) fields[`${at}.prerequisiteId`] = 'must be one of prerequisiteIds';
    else if (seen.has(id)) fields[`${at}.prerequisiteId`] = 'is given twice';
    seen.add(id);
    const rule = {
      condition: item.condition ?? 'succeeded',
      outputName: item.outputName ?? '',
      outputMatch: item.outputMatch ?? '',
    };
    const problem = edgeProblem(rule);
    if (problem) fields[`${at}.condition`] = problem;
    else if (rule.condition !== 'succeeded') {
      const output = rule.condition === 'output';
      found.push({
        prerequisiteId: id,
        condition: rule.condition as EdgeCondition,
        outputName: output ? rule.outputName : '',
        outputMatch: output ? rule.outputMatch : '',
      });
    }
  });
  const order = new Map(prerequisiteIds.map((id, index) => [id, index]));
  return found.sort((a, b) => (order.get(a.prerequisiteId) ?? 0) - (order.get(b.prerequisiteId) ?? 0));
}

/** Exactly one of a fixed exec host and a host tag. */
function checkTarget(input: JobInput, fields: FieldErrors): void {
  const tag = (input.hostTag ?? '').trim();
  const host = input.execHostId;
  if (host !== undefined && host !== null && tag !== '') {
    fields.hostTag = 'set either an exec host or a host tag, not both';
  } else if ((host === undefined || host === null) && tag === '') {
    fields.execHostId = 'choose an exec host, or set a host tag';
  } else if (host !== undefined && host !== null) {
    addProblem(fields, 'execHostId', integerProblem(host, 1, 2 ** 31 - 1));
  } else if (tag.length > 64 || /\s/.test(tag) || hasControl(tag)) {
    fields.hostTag = 'must be at most 64 characters without blanks';
  }
}

function workingDirProblem(value: string | undefined): string | null {
  const dir = (value ?? '').trim();
  if (dir === '') return null;
  if (dir.length > 1024) return 'must be at most 1024 characters';
  if (hasControl(dir)) return 'must not contain control characters';
  if (!dir.startsWith('/')) return 'must be an absolute path (or empty for the exec node’s default)';
  return null;
}

function checkCommand(input: JobInput, commandType: CommandType, fields: FieldErrors): void {
  const command = input.command ?? '';
  if (command.trim() === '') {
    fields.command = 'is required';
    return;
  }
  if (command.length > 65_535) {
    fields.command = 'must be at most 65535 characters';
    return;
  }
  if (command.includes('\u0000')) {
    fields.command = 'must not contain NUL characters';
    return;
  }
  if (commandType === 'argv') {
    addProblem(fields, 'command', splitProblem(command));
    return;
  }
  const interpreter = (input.interpreter ?? '').trim();
  if (interpreter.length > 256) fields.interpreter = 'must be at most 256 characters';
  else if (interpreter !== '') addProblem(fields, 'interpreter', splitProblem(interpreter));
}

function splitProblem(line: string): string | null {
  try {
    splitShellWords(line, { strict: true });
    return null;
  } catch (error) {
    if (error instanceof ShellWordsError) return error.message;
    throw error;
  }
}

function checkParams(params: JobParamInput[], fields: FieldErrors): JobParamValues[] {
  if (params.length > MAX_PARAMS) {
    fields.params = `must have at most ${MAX_PARAMS} entries`;
    return [];
  }
  const seen = new Map<string, number>();
  return params.map((param, index) => {
    const at = `params.${index}`;
    const name = (param.name ?? '').trim();
    if (!PARAM_NAME.test(name) || name.length > 64) {
      fields[`${at}.name`] = 'must be 1-64 letters, digits or _, not starting with a digit';
    } else if (seen.has(name.toUpperCase())) {
      fields[`${at}.name`] = `is already used by param ${seen.get(name.toUpperCase())! + 1} (names ignore case)`;
    } else {
      seen.set(name.toUpperCase(), index);
    }
    const kind = oneOf(PARAM_KINDS, param.kind, 'static');
    if (!kind) fields[`${at}.kind`] = `must be one of ${PARAM_KINDS.join(', ')}`;
    const value = param.value ?? '';
    if (value.length > 1000) fields[`${at}.value`] = 'must be at most 1000 characters';
    else if (value.includes('\u0000')) fields[`${at}.value`] = 'must not contain NUL characters';
    else if (kind === 'context') addProblem(fields, `${at}.value`, contextParamProblem(value));
    else if (kind === 'input') addProblem(fields, `${at}.value`, inputParamProblem(value));
    return { name, kind: kind ?? 'static', value };
  });
}

/** An input param names an upstream output: `name`, or `job.name` for one upstream job's. */
function inputParamProblem(value: string): string | null {
  return /^([^.\s]{1,128}\.)?[A-Za-z_][A-Za-z0-9_]{0,63}$/.test(value)
    ? null
    : 'must be an output name, or job_name.output_name';
}

/** "0, 3" → "0,3"; each a whole number 0-255, once. */
function parseExitCodes(value: string | null | undefined, fields: FieldErrors): string {
  const text = (value ?? '').trim();
  if (text === '') return '0';
  const parts = text.split(',').map((part) => part.trim());
  const codes = parts.map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : Number.NaN));
  if (codes.some((code) => !Number.isInteger(code) || code > 255)) {
    fields.successExitCodes = 'must be a comma-separated list of exit codes from 0 to 255';
  } else if (new Set(codes).size !== codes.length) {
    fields.successExitCodes = 'lists an exit code twice';
  } else if (text.length > 64) {
    fields.successExitCodes = 'must be at most 64 characters';
  }
  return codes.join(',');
}

function checkTimeouts(input: JobInput, fields: FieldErrors): void {
  addProblem(fields, 'timeoutWarnSeconds', integerProblem(input.timeoutWarnSeconds, 0, MAX_TIMEOUT_SECONDS));
  addProblem(fields, 'timeoutFailSeconds', integerProblem(input.timeoutFailSeconds, 0, MAX_TIMEOUT_SECONDS));
  const warn = input.timeoutWarnSeconds ?? 0;
  const fail = input.timeoutFailSeconds ?? 0;
  if (fields.timeoutWarnSeconds === undefined && warn > 0 && fail > 0 && warn >= fail) {
    fields.timeoutWarnSeconds = 'must be less than the fail timeout';
  }
}

/** The columns an update compares for the audit log (params and prerequisites are compared apart). */
export const JOB_AUDIT_FIELDS = [
  'interfaceId',
  'name',
  'description',
  'folder',
  'execHostId',
  'hostTag',
  'routingStrategy',
  'workingDir',
  'commandType',
  'command',
  'interpreter',
  'successExitCodes',
  'timeoutWarnSeconds',
  'timeoutFailSeconds',
  'retryCount',
  'retryIntervalSeconds',
  'retryBackoffPercent',
  'retryLost',
  'enabled',
  ...BROADCAST_AUDIT_FIELDS,
] as const;
