import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import {
  formFlag,
  formIds,
  formInteger,
  formList,
  formText,
  referenceList,
  type FormBody,
} from '../interface/form-fields.js';
import { AccessService, type AccessUser } from '../access/access.service.js';
import { actorOf } from '../interface/interface.service.js';
import type { JobLabel } from '../interface/mesh-graph.js';
import type { JobInput, PrerequisiteConditionInput } from './job-input.js';
import { JobQueryService, type JobRow } from './job-query.service.js';
import { COMMAND_TYPES, EDGE_CONDITIONS, PARAM_KINDS, ROUTING_STRATEGIES } from './job.entity.js';
import { JobService } from './job.service.js';

interface ParamRow {
  name: string;
  kind: string;
  value: string;
}

/** What the form shows in its inputs: the user's text as typed, so nothing is lost on an error. */
interface JobForm {
  interface: string;
  name: string;
  description: string;
  folder: string;
  targetKind: 'host' | 'tag';
  execHostId: string;
  hostTag: string;
  routingStrategy: string;
  workingDir: string;
  commandType: string;
  command: string;
  interpreter: string;
  successExitCodes: string;
  timeoutWarnSeconds: string;
  timeoutFailSeconds: string;
  retryCount: string;
  retryIntervalSeconds: string;
  retryBackoffPercent: string;
  retryLost: boolean;
  enabled: boolean;
  addPrerequisites: string;
  broadcast: boolean;
  broadcastParallel: string;
  failRate: string;
  failCount: string;
  killOnBudgetExceeded: boolean;
}

/** A prerequisite on the form: its label and the edge's condition (fields `edgeCondition_<id>` …). */
type EdgeLabel = JobLabel & { condition: string; outputName: string; outputMatch: string };

/** The condition fields of one picked prerequisite as typed (a new one has none: succeeded). */
function edgeOf(body: FormBody, id: number): { condition: string; outputName: string; outputMatch: string } {
  return {
    condition: formText(body, `edgeCondition_${id}`) || 'succeeded',
    outputName: formText(body, `edgeOutputName_${id}`).trim(),
    outputMatch: formText(body, `edgeOutputMatch_${id}`),
  };
}

function edgeInputs(body: FormBody, picked: number[]): PrerequisiteConditionInput[] {
  return picked
    .map((id) => ({ prerequisiteId: id, ...edgeOf(body, id) }))
    .filter((edge) => edge.condition !== 'succeeded');
}

/** Blank param rows under the filled ones, so params can be added without any script. */
const BLANK_PARAM_ROWS = 3;

/** The add/edit form of a job: its model, and turning a submitted form into a save. */
@Injectable()
export class JobFormService {
  constructor(
    private readonly jobs: JobService,
    private readonly queries: JobQueryService,
    private readonly access: AccessService,
  ) {}

  /** A new job's form; the interface is filled in only when the user may see it. */
  async blank(interfaceId: number | null, user: AccessUser) {
    const visible = interfaceId !== null && (await this.access.filterVisible(user, [interfaceId])).has(interfaceId);
    const form: JobForm = {
      interface: visible ? ((await this.queries.interfaceName(interfaceId)) ?? '') : '',
      name: '',
      description: '',
      folder: '',
      targetKind: 'host',
      execHostId: '',
      hostTag: '',
      routingStrategy: 'round_robin',
      workingDir: '',
      commandType: 'argv',
      command: '',
      interpreter: '',
      successExitCodes: '0',
      timeoutWarnSeconds: '0',
      timeoutFailSeconds: '0',
      retryCount: '',
      retryIntervalSeconds: '',
      retryBackoffPercent: '100',
      retryLost: true,
      enabled: true,
      addPrerequisites: '',
      broadcast: false,
      broadcastParallel: '0',
      failRate: '',
      failCount: '',
      killOnBudgetExceeded: false,
    };
    return this.model(null, form, [], []);
  }

  /** Prerequisites in interfaces the user may not see are shown as "hidden job #id". */
  async existing(id: number, user: AccessUser) {
    const row = await this.queries.get(id);
    return this.model(id, this.formOfRow(row), row.params, await this.access.maskJobs(user, row.prerequisites));
  }

  /** Saves and redirects to the detail page, or re-renders the form with field errors (400). */
  async submit(request: Request, response: Response, body: FormBody, id: number | null): Promise<void> {
    const form = this.formOf(body);
    const params = this.paramRows(body);
    let picked: number[] = [];
    try {
      picked = formIds(body, 'prerequisiteIds');
      const input = {
        ...(await this.input(body, form, params, picked)),
        prerequisiteConditions: edgeInputs(body, picked),
      };
      const row =
        id === null
          ? await this.jobs.create(input, actorOf(request))
          : await this.jobs.update(id, input, actorOf(request));
      response.redirect(303, `/jobs/${row.id}`);
    } catch (error) {
      const cycle = error instanceof AppException && error.code === 'CYCLE';
      if (!(error instanceof ValidationException) && !cycle) throw error;
      const errors = error instanceof ValidationException ? error.fields : { prerequisiteIds: error.message };
      const labels = (await this.access.maskJobs(request.principal!, await this.queries.labels(picked))).map(
        (label) => ({ ...label, ...edgeOf(body, label.id) }),
      );
      const model = await this.model(id, form, params, labels);
      response.status(400).render('jobs/form', { ...model, errors });
    }
  }

  private formOfRow(row: JobRow): JobForm {
    const number = (value: number | null) => (value === null ? '' : String(value));
    return {
      interface: row.interfaceName,
      name: row.name,
      description: row.description,
      folder: row.folder,
      targetKind: row.execHostId === null ? 'tag' : 'host',
      execHostId: number(row.execHostId),
      hostTag: row.hostTag,
      routingStrategy: row.routingStrategy,
      workingDir: row.workingDir,
      commandType: row.commandType,
      command: row.command,
      interpreter: row.interpreter,
      successExitCodes: row.successExitCodes,
      timeoutWarnSeconds: String(row.timeoutWarnSeconds),
      timeoutFailSeconds: String(row.timeoutFailSeconds),
      retryCount: number(row.retryCount),
      retryIntervalSeconds: number(row.retryIntervalSeconds),
      retryBackoffPercent: String(row.retryBackoffPercent),
      retryLost: row.retryLost,
      enabled: row.enabled,
      addPrerequisites: '',
      broadcast: row.broadcast,
      broadcastParallel: String(row.broadcastParallel),
      failRate: number(row.failRate),
      failCount: number(row.failCount),
      killOnBudgetExceeded: row.killOnBudgetExceeded,
    };
  }

  private formOf(body: FormBody): JobForm {
    const text = (name: keyof JobForm) => formText(body, name);
    return {
      interface: text('interface').trim(),
      name: text('name'),
      description: text('description'),
      folder: text('folder'),
      targetKind: text('targetKind') === 'tag' ? 'tag' : 'host',
      execHostId: text('execHostId'),
      hostTag: text('hostTag'),
      routingStrategy: text('routingStrategy'),
      workingDir: text('workingDir'),
      commandType: text('commandType'),
      command: text('command'),
      interpreter: text('interpreter'),
      successExitCodes: text('successExitCodes'),
      timeoutWarnSeconds: text('timeoutWarnSeconds'),
      timeoutFailSeconds: text('timeoutFailSeconds'),
      retryCount: text('retryCount'),
      retryIntervalSeconds: text('retryIntervalSeconds'),
      retryBackoffPercent: text('retryBackoffPercent'),
      retryLost: formFlag(body, 'retryLost'),
      enabled: formFlag(body, 'enabled'),
      addPrerequisites: text('addPrerequisites'),
      broadcast: formFlag(body, 'broadcast'),
      broadcastParallel: text('broadcastParallel'),
      failRate: text('failRate'),
      failCount: text('failCount'),
      killOnBudgetExceeded: formFlag(body, 'killOnBudgetExceeded'),
    };
  }

  /** Param rows in order; rows left entirely blank are not params. */
  private paramRows(body: FormBody): ParamRow[] {
    const names = formList(body, 'paramName');
    const kinds = formList(body, 'paramKind');
    const values = formList(body, 'paramValue');
    return names
      .map((name, index) => ({ name, kind: kinds[index] ?? 'static', value: values[index] ?? '' }))
      .filter((row) => row.name.trim() !== '' || row.value !== '');
  }

  private async input(body: FormBody, form: JobForm, params: ParamRow[], picked: number[]): Promise<JobInput> {
    const interfaceId = form.interface === '' ? null : await this.queries.interfaceIdByName(form.interface);
    if (form.interface !== '' && interfaceId === null)
      throw new ValidationException({ interfaceId: 'no such interface' });
    const typed = await this.queries.resolve(referenceList(form.addPrerequisites));
    if (typed.unknown.length > 0) {
      throw new ValidationException({ prerequisiteIds: `no such job: ${typed.unknown.join(', ')}` });
    }
    const number = (name: string) => formInteger(body, name);
    return {
      interfaceId,
      name: form.name,
      description: form.description,
      folder: form.folder,
      routingStrategy: form.routingStrategy,
      workingDir: form.workingDir,
      commandType: form.commandType,
      command: form.command,
      interpreter: form.interpreter,
      successExitCodes: form.successExitCodes,
      retryLost: form.retryLost,
      enabled: form.enabled,
      execHostId: form.targetKind === 'host' ? (number('execHostId') ?? null) : null,
      hostTag: form.targetKind === 'tag' ? form.hostTag : '',
      params,
      timeoutWarnSeconds: number('timeoutWarnSeconds'),
      timeoutFailSeconds: number('timeoutFailSeconds'),
      retryCount: number('retryCount') ?? null,
      retryIntervalSeconds: number('retryIntervalSeconds') ?? null,
      retryBackoffPercent: number('retryBackoffPercent'),
      broadcast: form.broadcast,
      broadcastParallel: number('broadcastParallel') ?? 0,
      failRate: number('failRate') ?? null,
      failCount: number('failCount') ?? null,
      killOnBudgetExceeded: form.killOnBudgetExceeded,
      prerequisiteIds: [...new Set([...picked, ...typed.ids])],
    };
  }

  private async model(id: number | null, form: JobForm, params: ParamRow[], prerequisites: EdgeLabel[]) {
    const blanks = Array.from({ length: BLANK_PARAM_ROWS }, () => ({ name: '', kind: 'static', value: '' }));
    return {
      title: id === null ? 'jobs.new' : 'jobs.edit',
      creating: id === null,
      jobId: id,
      form,
      params: [...params, ...blanks],
      prerequisites,
      ...(await this.queries.targets()),
      strategies: ROUTING_STRATEGIES,
      kinds: PARAM_KINDS,
      conditions: EDGE_CONDITIONS,
      commandTypes: COMMAND_TYPES,
    };
  }
}
