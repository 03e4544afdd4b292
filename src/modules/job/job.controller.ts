import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { maskDependents } from '../access/dependents-mask.js';
import type { Dependent } from '../interface/dependents.js';
import { formFlag, formIds, formText, safeBack, type FormBody } from '../interface/form-fields.js';
import { actorOf } from '../interface/interface.service.js';
import { listPageModel } from '../interface/list-query.js';
import { parseJobListQuery } from './job.api.controller.js';
import { JobDeleteService } from './job-delete.service.js';
import { JobFormService } from './job-form.service.js';
import { JOB_SORTS, JobQueryService } from './job-query.service.js';
import { JobService } from './job.service.js';
import { quoteShellWord, splitShellWords } from './shell-words.js';

const BATCH_ACTIONS = ['enable', 'disable', 'delete', 'delete-confirmed'] as const;

/** argv as the exec node will get it, one word per element (for the detail page). */
function argvPreview(commandType: string, command: string): string[] | null {
  if (commandType !== 'argv') return null;
  try {
    return splitShellWords(command).map(quoteShellWord);
  } catch {
    return null;
  }
}

/** Job pages: list, detail, add/edit forms, enable/disable, delete with a confirmation page. */
@Controller('jobs')
export class JobController {
  constructor(
    private readonly jobs: JobService,
    private readonly queries: JobQueryService,
    private readonly deletes: JobDeleteService,
    private readonly forms: JobFormService,
    private readonly access: AccessService,
  ) {}

  @Get()
  @Render('jobs/list')
  async list(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const request = parseJobListQuery(query, false);
    const { rows, total } = await this.queries.list(request, req.principal);
    const extra = {
      interfaceId: request.interfaceId === null ? '' : String(request.interfaceId),
      interface: request.interfaceName,
    };
    const interfaceName = request.interfaceId === null ? null : await this.queries.interfaceName(request.interfaceId);
    return {
      title: 'jobs.title',
      rows,
      page: pageView({ page: request.page, pageSize: request.pageSize }, total),
      interfaceName,
      ...listPageModel('/jobs', request, JOB_SORTS, extra),
    };
  }

  @Get('new')
  @RequirePermission('write')
  @Render('jobs/form')
  newForm(@Req() request: Request, @Query('interfaceId') interfaceId: unknown) {
    const id = typeof interfaceId === 'string' && /^\d{1,10}$/.test(interfaceId) ? Number(interfaceId) : null;
    return this.forms.blank(id, request.principal!);
  }

  @Post('new')
  @RequirePermission('write')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: FormBody) {
    await this.forms.submit(request, response, body, null);
  }

  @Post('batch')
  @RequirePermission('write')
  async batch(@Req() request: Request, @Res() response: Response, @Body() body: FormBody) {
    const action = BATCH_ACTIONS.find((candidate) => candidate === formText(body, 'action'));
    if (!action) throw new ValidationException({ action: `must be one of ${BATCH_ACTIONS.join(', ')}` });
    const ids = formIds(body, 'ids');
    if (ids.length === 0) throw new ValidationException({ ids: 'select at least one job' });
    await this.access.assertJobs(request.principal!, ids, 'act');
    const back = safeBack(formText(body, 'back'), '/jobs');
    if (action === 'delete') {
      response.status(200).render('jobs/delete', await this.confirmModel(request, ids, back));
      return;
    }
    if (action === 'delete-confirmed') {
      await this.deleteOrExplain(request, response, ids, formFlag(body, 'cascade'), back);
      return;
    }
    await this.jobs.setEnabled(ids, action === 'enable', actorOf(request));
    response.redirect(303, back);
  }

  @Get(':id')
  @Render('jobs/detail')
  async detail(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'view');
    const detail = await this.queries.detail(id);
    const prerequisites = await this.access.maskJobs(request.principal!, detail.row.prerequisites);
    return {
      title: 'jobs.detail',
      ...detail,
      row: { ...detail.row, prerequisites },
      dependents: await this.access.maskJobs(request.principal!, detail.dependents),
      argv: argvPreview(detail.row.commandType, detail.row.command),
    };
  }

  @Get(':id/edit')
  @RequirePermission('write')
  @Render('jobs/form')
  async edit(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    return this.forms.existing(id, request.principal!);
  }

  @Post(':id/edit')
  @RequirePermission('write')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: FormBody,
  ) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.forms.submit(request, response, body, id);
  }

  @Post(':id/enable')
  @RequirePermission('write')
  async enable(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.jobs.setEnabled([id], true, actorOf(request));
    response.redirect(303, safeBack(formText(request.body as FormBody, 'back'), `/jobs/${id}`));
  }

  @Post(':id/disable')
  @RequirePermission('write')
  async disable(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.jobs.setEnabled([id], false, actorOf(request));
    response.redirect(303, safeBack(formText(request.body as FormBody, 'back'), `/jobs/${id}`));
  }

  @Get(':id/delete')
  @RequirePermission('write')
  @Render('jobs/delete')
  async confirmDelete(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    return this.confirmModel(request, [id], '/jobs');
  }

  @Post(':id/delete')
  @RequirePermission('write')
  async delete(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: FormBody,
  ) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.deleteOrExplain(request, response, [id], formFlag(body, 'cascade'), '/jobs');
  }

  private async deleteOrExplain(request: Request, response: Response, ids: number[], cascade: boolean, back: string) {
    try {
      await this.deletes.delete(ids, cascade, actorOf(request));
      response.redirect(303, back);
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'HAS_DEPENDENTS') throw error;
      const { dependents } = error.details as { dependents: Dependent[] };
      response.status(409).render('jobs/delete', {
        ...(await this.confirmModel(request, ids, back, dependents)),
        refused: error.message,
      });
    }
  }

  private async confirmModel(request: Request, ids: number[], back: string, known?: Dependent[]) {
    const found = known ?? (await this.deletes.dependents(ids));
    const dependents = await maskDependents(this.access, request.principal!, found);
    return {
      title: 'jobs.deleteTitle',
      targets: await this.queries.labels(ids),
      ids,
      single: ids.length === 1,
      dependents,
      back,
    };
  }
}
