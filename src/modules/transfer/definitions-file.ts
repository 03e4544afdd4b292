import { ValidationException } from '../../common/http/app.exception.js';
import type { DispatchInput } from '../dispatch/dispatch.input.js';
import { edgeProblem } from '../execution/edge-condition.js';
import type { EdgeCondition } from '../job/job.entity.js';
import {
  DEFINITIONS_FORMAT,
  DEFINITIONS_VERSION,
  DISPATCH_DIFF_FIELDS,
  INTERFACE_DIFF_FIELDS,
  JOB_DIFF_FIELDS,
  JOB_FIELDS_KEPT_WHEN_ABSENT,
} from './definitions-format.js';
import { FieldReader, isRecord } from './field-reader.js';
import {
  jobKey,
  type ImportAlert,
  type ImportDispatch,
  type ImportDocument,
  type ImportInterface,
  type ImportJob,
  type JobReference,
  type ObjectType,
  type ReadProblem,
} from './import-model.js';

const TOP_FIELDS = ['format', 'version', 'exportedAt', 'interfaces', 'jobs', 'dispatches'];
// What a file object may hold: its natural key, plus every field the diff compares (and, for
// interfaces, the watermark, which is only set on create).
const INTERFACE_FIELDS = ['name', 'dataDateWatermark', ...INTERFACE_DIFF_FIELDS, 'ownerUser', 'ownerGroup', 'shared'];
const JOB_FIELDS = ['interface', 'name', ...JOB_DIFF_FIELDS];
const DISPATCH_FIELDS = ['name', ...DISPATCH_DIFF_FIELDS];

/** The top of the file: format, version and the three lists. Anything else is refused as a whole. */
function checkHeader(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) throw new ValidationException({ file: 'must be a JSON object (a Meshcron definitions file)' });
  const fields: Record<string, string> = {};
  if (value.format !== DEFINITIONS_FORMAT) fields.format = `must be "${DEFINITIONS_FORMAT}"`;
  else if (value.version !== DEFINITIONS_VERSION) {
    fields.version = `must be ${DEFINITIONS_VERSION} (this portal reads version ${DEFINITIONS_VERSION} files)`;
  }
  for (const list of ['interfaces', 'jobs', 'dispatches']) {
    const items = value[list];
    if (items !== undefined && !(Array.isArray(items) && items.every(isRecord)))
      fields[list] = 'must be a list of objects';
  }
  for (const key of Object.keys(value)) if (!TOP_FIELDS.includes(key)) fields[key] = 'is not a known field';
  if (Object.keys(fields).length > 0) throw new ValidationException(fields);
  return value;
}

const list = (value: unknown) => (Array.isArray(value) ? (value as Record<string, unknown>[]) : []);

/** A reader for one object, or null (with a problem) when its key fields are unusable. */
function readerFor(
  type: ObjectType,
  index: number,
  source: Record<string, unknown>,
  problems: ReadProblem[],
): { reader: FieldReader; name: string; owner: string } | null {
  const name = source.name;
  const owner = type === 'interface' ? '' : source.interface;
  const where = `${type === 'interface' ? 'interfaces' : type === 'job' ? 'jobs' : 'dispatches'}[${index}]`;
  const origin = { label: where, fieldWord: 'field' as const };
  const bad = (field: string) => problems.push({ origin, type, key: where, field, message: 'must be a string' });
  if (typeof name !== 'string') bad('name');
  if (typeof owner !== 'string') bad('interface');
  if (typeof name !== 'string' || typeof owner !== 'string') return null;
  const key = type === 'job' ? jobKey(owner, name) : name;
  const reader = new FieldReader(source, problems, { label: `${type} '${key}'`, fieldWord: 'field' }, type, key);
  return { reader, name, owner };
}

function readInterface(source: Record<string, unknown>, index: number, problems: ReadProblem[]) {
  const found = readerFor('interface', index, source, problems);
  if (!found) return null;
  const { reader, name } = found;
  reader.onlyKnown(INTERFACE_FIELDS);
  const item: ImportInterface = {
    origin: reader.origin,
    name,
    input: {
      name,
      description: reader.string('description'),
      folder: reader.string('folder'),
      dataDateWatermark: reader.nullableString('dataDateWatermark'),
      retryCount: reader.number('retryCount'),
      retryIntervalSeconds: reader.number('retryIntervalSeconds'),
      enabled: reader.boolean('enabled'),
    },
    parents: reader.stringList('parents'),
    owner: {
      ownerUser: reader.nullableString('ownerUser'),
      ownerGroup: reader.nullableString('ownerGroup'),
      shared: reader.boolean('shared'),
    },
  };
  return item;
}

const REFERENCE_KEYS = new Set(['interface', 'job', 'condition', 'outputName', 'outputMatch']);

/** `{interface, job}` plus, optionally, the edge's condition (`condition`, `outputName`, `outputMatch`). */
function readReferences(reader: FieldReader): JobReference[] {
  return reader.objectList('prerequisites').flatMap((item, index) => {
    const keys = Object.keys(item);
    const texts = keys.every((key) => REFERENCE_KEYS.has(key) && typeof item[key] === 'string');
    if (typeof item.interface !== 'string' || typeof item.job !== 'string' || !texts) {
      reader.problem(
        `prerequisites.${index}`,
        'must be {"interface": "<name>", "job": "<name>"} with optional "condition", "outputName", "outputMatch"',
      );
      return [];
    }
    if (item.condition === undefined) return [{ interface: item.interface, job: item.job }];
    const rule = {
      condition: item.condition as EdgeCondition,
      outputName: typeof item.outputName === 'string' ? item.outputName : '',
      outputMatch: typeof item.outputMatch === 'string' ? item.outputMatch : '',
    };
    const problem = edgeProblem(rule);
    if (problem) {
      reader.problem(`prerequisites.${index}.condition`, problem);
      return [];
    }
    return [{ interface: item.interface, job: item.job, rule }];
  });
}

/** The fields of an object inside a list (a param, an alert rule), each of its JSON type. */
function subObject(
  reader: FieldReader,
  item: Record<string, unknown>,
  prefix: string,
  strings: readonly string[],
  booleans: readonly string[] = [],
): Record<string, string | boolean | undefined> {
  const out: Record<string, string | boolean | undefined> = {};
  for (const [key, value] of Object.entries(item)) {
    if (strings.includes(key)) {
      if (typeof value === 'string') out[key] = value;
      else reader.problem(`${prefix}.${key}`, 'must be a string');
    } else if (booleans.includes(key)) {
      if (typeof value === 'boolean') out[key] = value;
      else reader.problem(`${prefix}.${key}`, 'must be true or false');
    } else {
      reader.problem(`${prefix}.${key}`, 'is not a known field');
    }
  }
  return out;
}

const text = (value: string | boolean | undefined) => (typeof value === 'string' ? value : undefined);

function readParams(reader: FieldReader) {
  return reader.objectList('params').map((item, index) => {
    const param = subObject(reader, item, `params.${index}`, ['name', 'kind', 'value']);
    return { name: text(param.name), kind: text(param.kind), value: text(param.value) };
  });
}

function readJob(source: Record<string, unknown>, index: number, problems: ReadProblem[]) {
  const found = readerFor('job', index, source, problems);
  if (!found) return null;
  const { reader, name, owner } = found;
  reader.onlyKnown(JOB_FIELDS);
  const item: ImportJob = {
    origin: reader.origin,
    interface: owner,
    name,
    execHost: reader.nullableString('execHost') ?? null,
    prerequisites: readReferences(reader),
    kept: new Set(JOB_FIELDS_KEPT_WHEN_ABSENT.filter((field) => source[field] === undefined)),
    input: {
      name,
      description: reader.string('description'),
      folder: reader.string('folder'),
      hostTag: reader.string('hostTag'),
      routingStrategy: reader.string('routingStrategy'),
      broadcast: reader.boolean('broadcast'),
      broadcastParallel: reader.number('broadcastParallel'),
      failRate: reader.nullableNumber('failRate'),
      failCount: reader.nullableNumber('failCount'),
      killOnBudgetExceeded: reader.boolean('killOnBudgetExceeded'),
      workingDir: reader.string('workingDir'),
      commandType: reader.string('commandType'),
      command: reader.string('command'),
      interpreter: reader.string('interpreter'),
      params: readParams(reader),
      successExitCodes: reader.string('successExitCodes'),
      timeoutWarnSeconds: reader.number('timeoutWarnSeconds'),
      timeoutFailSeconds: reader.number('timeoutFailSeconds'),
      retryCount: reader.nullableNumber('retryCount'),
      retryIntervalSeconds: reader.nullableNumber('retryIntervalSeconds'),
      retryBackoffPercent: reader.number('retryBackoffPercent'),
      retryLost: reader.boolean('retryLost'),
      enabled: reader.boolean('enabled'),
    },
  };
  return item;
}

function readAlerts(reader: FieldReader): ImportAlert[] {
  return reader.objectList('alerts').map((item, index) => {
    const alert = subObject(reader, item, `alerts.${index}`, ['event', 'channel', 'recipients'], ['enabled']);
    return {
      event: text(alert.event),
      channel: text(alert.channel),
      recipients: text(alert.recipients),
      enabled: typeof alert.enabled === 'boolean' ? alert.enabled : undefined,
    };
  });
}

function readDispatch(source: Record<string, unknown>, index: number, problems: ReadProblem[]) {
  const found = readerFor('dispatch', index, source, problems);
  if (!found) return null;
  const { reader, name, owner } = found;
  reader.onlyKnown(DISPATCH_FIELDS);
  const item: ImportDispatch = {
    origin: reader.origin,
    name,
    interface: owner,
    alerts: readAlerts(reader),
    input: {
      description: reader.string('description'),
      cron: reader.string('cron'),
      timezone: reader.string('timezone'),
      enabled: reader.boolean('enabled'),
      misfirePolicy: reader.string('misfirePolicy') as DispatchInput['misfirePolicy'],
      overlapPolicy: reader.string('overlapPolicy') as DispatchInput['overlapPolicy'],
      runDownstream: reader.boolean('runDownstream'),
      dataDateOffsetDays: reader.number('dataDateOffsetDays'),
    },
  };
  return item;
}

const present = <T>(value: T | null): value is T => value !== null;

/**
 * Reads a parsed definitions file. A wrong header refuses the file (400); problems inside objects
 * are kept, each naming its object and field, for the diff.
 */
export function readDefinitionsFile(value: unknown): ImportDocument {
  const file = checkHeader(value);
  const problems: ReadProblem[] = [];
  return {
    source: 'definitions',
    interfaces: list(file.interfaces)
      .map((item, index) => readInterface(item, index, problems))
      .filter(present),
    jobs: list(file.jobs)
      .map((item, index) => readJob(item, index, problems))
      .filter(present),
    dispatches: list(file.dispatches)
      .map((item, index) => readDispatch(item, index, problems))
      .filter(present),
    problems,
    implicitInterfaces: [],
    allowIds: false,
  };
}
