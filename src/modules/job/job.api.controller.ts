import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { hideDependents, maskDependents } from '../access/dependents-mask.js';
import { BatchDeleteDto, IdsDto } from '../interface/dto/interface.dto.js';
import { cascadeParam, optionsParams } from '../interface/api-params.js';
import { actorOf } from '../interface/interface.service.js';
import { parseListQuery } from '../interface/list-query.js';
import { JobBodyDto } from './dto/job.dto.js';
import { JobDeleteService } from './job-delete.service.js';
import { JOB_SORTS, JobQueryService, type JobListQuery, type JobRow } from './job-query.service.js';
import { JobService } from './job.service.js';

/** Job list parameters: the common ones plus interfaceId (exact) and interface (name contains). */
export function parseJobListQuery(query: Record<string, unknown>, strict: boolean): JobListQuery {
  const base = parseListQuery(query, JOB_SORTS, 'name', strict);
  const idText = typeof query.interfaceId === 'string' ? query.interfaceId.trim() : '';
  const interfaceId = /^\d{1,10}$/.test(idText) && Number(idText) > 0 ? Number(idText) : null;
  if (strict && idText !== '' && interfaceId === null) {
    throw new ValidationException({ interfaceId: 'must be an interface id' });
  }
  const interfaceName = typeof query.interface === 'string' ? query.interface.trim().slice(0, 200) : '';
  return { ...base, interfaceId, interfaceName };
}

/** What the API shows of a job. */
export function jobView(row: JobRow) {
  const { params, prerequisites, ...job } = row;
  return {
    ...job,
    params,
    prerequisiteIds: prerequisites.map((prerequisite) => prerequisite.id),
    // The edges that are not plain `succeeded`, in the shape PUT takes back.
    prerequisiteConditions: prerequisites
      .filter((prerequisite) => prerequisite.condition !== 'succeeded')
      .map(({ id, condition, outputName, outputMatch }) => ({
        prerequisiteId: id,
        condition,
        outputName,
        outputMatch,
      })),
    prerequisites,
  };
}

/**
 * JSON API for jobs. Updates are PUT (full replacement: a field left out takes its default; `params`
 * and `prerequisiteIds` left out mean none). Deletes refuse with 409 HAS_DEPENDENTS (jobs that
 * depend on the target) unless `cascade=true`, which removes those prerequisite edges.
 */
@ApiTags('jobs')
@Controller('api/jobs')
export class JobApiController {
  constructor(
    private readonly jobs: JobService,
    private readonly queries: JobQueryService,
    private readonly deletes: JobDeleteService,
    private readonly access: AccessService,
  ) {}

  /** jobView with prerequisites in interfaces the caller may not see shown as "hidden job #id". */
  private async view(request: Request, row: JobRow) {
    return jobView({ ...row, prerequisites: await this.access.maskJobs(request.principal!, row.prerequisites) });
  }

  @Get()
  @ApiOperation({
    summary: 'List jobs: page, pageSize, search, folder, enabled, interfaceId, interface, sort, order',
  })
  async list(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const request = parseJobListQuery(query, true);
    const { rows, total } = await this.queries.list(request, req.principal);
    const data = [];
    for (const row of rows) data.push(await this.view(req, row));
    return { data, page: pageView({ page: request.page, pageSize: request.pageSize }, total) };
  }

  @Get('options')
  @ApiOperation({ summary: 'Search-as-you-type for pickers (job or interface name): ?q=&limit=&exclude=1,2' })
  async options(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const { q, limit, exclude } = optionsParams(query);
    return { data: await this.queries.options(q, limit, exclude, request.principal) };
  }

  @Post('batch-delete')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete several jobs (409 HAS_DEPENDENTS unless cascade)' })
  async batchDelete(@Req() request: Request, @Body() body: BatchDeleteDto) {
    await this.access.assertJobs(request.principal!, body.ids, 'act');
    return {
      data: {
        deleted: await this.deletes
          .delete(body.ids, body.cascade ?? false, actorOf(request))
          .catch(hideDependents(this.access, request.principal!)),
      },
    };
  }

  @Post('batch-enable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Enable several jobs' })
  async batchEnable(@Req() request: Request, @Body() body: IdsDto) {
    await this.access.assertJobs(request.principal!, body.ids, 'act');
    return { data: { enabled: await this.jobs.setEnabled(body.ids, true, actorOf(request)) } };
  }

  @Post('batch-disable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Disable several jobs' })
  async batchDisable(@Req() request: Request, @Body() body: IdsDto) {
    await this.access.assertJobs(request.principal!, body.ids, 'act');
    return { data: { disabled: await this.jobs.setEnabled(body.ids, false, actorOf(request)) } };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One job with its params and prerequisites' })
  async get(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'view');
    return { data: await this.view(request, await this.queries.get(id)) };
  }

  @Get(':id/dependents')
  @ApiOperation({ summary: 'Jobs that depend on this one (what a delete would cascade to)' })
  async dependents(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'view');
    return { data: await maskDependents(this.access, request.principal!, await this.deletes.dependents([id])) };
  }

  @Post()
  @RequirePermission('write')
  @ApiOperation({ summary: 'Create a job' })
  async create(@Req() request: Request, @Body() body: JobBodyDto) {
    const row = await this.jobs.create(body, actorOf(request));
    return { data: await this.view(request, await this.queries.get(row.id)) };
  }

  @Put(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Replace a job (full update: omitted fields take their defaults)' })
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: JobBodyDto) {
    await this.jobs.update(id, body, actorOf(request));
    return { data: await this.view(request, await this.queries.get(id)) };
  }

  @Delete(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete a job (409 HAS_DEPENDENTS unless ?cascade=true)' })
  async delete(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Query('cascade') cascade: unknown) {
    const cascading = cascadeParam(cascade);
    await this.access.assertJob(request.principal!, id, 'act');
    return {
      data: {
        deleted: await this.deletes
          .delete([id], cascading, actorOf(request))
          .catch(hideDependents(this.access, request.principal!)),
      },
    };
  }

  @Post(':id/enable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Enable a job' })
  async enable(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.jobs.setEnabled([id], true, actorOf(request));
    return { data: await this.view(request, await this.queries.get(id)) };
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Disable a job' })
  async disable(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertJob(request.principal!, id, 'act');
    await this.jobs.setEnabled([id], false, actorOf(request));
    return { data: await this.view(request, await this.queries.get(id)) };
  }
}
