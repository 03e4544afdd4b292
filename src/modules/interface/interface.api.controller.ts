import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { hideDependents, maskDependents } from '../access/dependents-mask.js';
import { OwnerService } from '../access/owner.service.js';
import { BatchDeleteDto, IdsDto, InterfaceBodyDto } from './dto/interface.dto.js';
import { InterfaceDeleteService } from './interface-delete.service.js';
import { InterfaceGraphService } from './interface-graph.service.js';
import { INTERFACE_SORTS, InterfaceQueryService, type InterfaceRow } from './interface-query.service.js';
import { InterfaceService, actorOf } from './interface.service.js';
import type { InterfaceEntity } from './interface.entity.js';
import { cascadeParam, optionsParams } from './api-params.js';
import { parseListQuery } from './list-query.js';

/** What the API shows of an interface. */
export function interfaceView(row: InterfaceEntity | InterfaceRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    folder: row.folder,
    dataDateWatermark: row.dataDateWatermark,
    retryCount: row.retryCount,
    retryIntervalSeconds: row.retryIntervalSeconds,
    enabled: row.enabled,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    updatedBy: row.updatedBy,
    ...('parents' in row ? { parentIds: row.parents.map((parent) => parent.id), parents: row.parents } : {}),
    ...('jobCount' in row ? { jobCount: row.jobCount } : {}),
  };
}

/**
 * JSON API for interfaces. Updates are PUT (full replacement: a field left out takes its default,
 * `parentIds` left out means no parents). Deletes refuse with 409 HAS_DEPENDENTS unless
 * `cascade=true`.
 */
@ApiTags('interfaces')
@Controller('api/interfaces')
export class InterfaceApiController {
  constructor(
    private readonly interfaces: InterfaceService,
    private readonly queries: InterfaceQueryService,
    private readonly deletes: InterfaceDeleteService,
    private readonly graphs: InterfaceGraphService,
    private readonly access: AccessService,
    private readonly owners: OwnerService,
  ) {}

  /** The API view plus owner names. */
  private async views(rows: (InterfaceEntity | InterfaceRow)[]) {
    const owners = await this.owners.views(rows);
    return rows.map((row, index) => ({ ...interfaceView(row), ...owners[index] }));
  }

  private async one(id: number) {
    return (await this.views([await this.queries.get(id)]))[0];
  }

  @Get()
  @ApiOperation({ summary: 'List interfaces: page, pageSize, search, folder, enabled, sort, order' })
  async list(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const request = parseListQuery(query, INTERFACE_SORTS, 'name', true);
    const { rows, total } = await this.queries.list(request, req.principal);
    return { data: await this.views(rows), page: pageView({ page: request.page, pageSize: request.pageSize }, total) };
  }

  @Get('options')
  @ApiOperation({ summary: 'Search-as-you-type for pickers: ?q=&limit=&exclude=1,2' })
  async options(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const { q, limit, exclude } = optionsParams(query);
    return { data: await this.queries.options(q, limit, exclude, request.principal) };
  }

  @Post('batch-delete')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete several interfaces (409 HAS_DEPENDENTS unless cascade)' })
  async batchDelete(@Req() request: Request, @Body() body: BatchDeleteDto) {
    await this.access.assertInterfaces(request.principal!, body.ids, 'act');
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
  @ApiOperation({ summary: 'Enable several interfaces' })
  async batchEnable(@Req() request: Request, @Body() body: IdsDto) {
    await this.access.assertInterfaces(request.principal!, body.ids, 'act');
    return { data: { enabled: await this.interfaces.setEnabled(body.ids, true, actorOf(request)) } };
  }

  @Post('batch-disable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Disable several interfaces' })
  async batchDisable(@Req() request: Request, @Body() body: IdsDto) {
    await this.access.assertInterfaces(request.principal!, body.ids, 'act');
    return { data: { disabled: await this.interfaces.setEnabled(body.ids, false, actorOf(request)) } };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One interface with its parents and job count' })
  async get(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'view');
    return { data: await this.one(id) };
  }

  @Get(':id/graph')
  @ApiOperation({ summary: 'Job DAG of the interface; prerequisites in other interfaces are marked external' })
  async graph(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'view');
    const graph = await this.graphs.graph(id);
    return { data: { ...graph, nodes: await this.access.maskJobs(request.principal!, graph.nodes) } };
  }

  @Get(':id/dependents')
  @ApiOperation({ summary: 'What a delete would have to cascade to' })
  async dependents(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'view');
    return { data: await maskDependents(this.access, request.principal!, await this.deletes.dependents([id])) };
  }

  @Post()
  @RequirePermission('write')
  @ApiOperation({ summary: 'Create an interface' })
  async create(@Req() request: Request, @Body() body: InterfaceBodyDto) {
    const row = await this.interfaces.create(body, actorOf(request));
    return { data: await this.one(row.id) };
  }

  @Put(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Replace an interface (full update: omitted fields take their defaults)' })
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: InterfaceBodyDto) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.interfaces.update(id, body, actorOf(request));
    return { data: await this.one(id) };
  }

  @Delete(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete an interface (409 HAS_DEPENDENTS unless ?cascade=true)' })
  async delete(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Query('cascade') cascade: unknown) {
    const cascading = cascadeParam(cascade);
    await this.access.assertInterface(request.principal!, id, 'act');
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
  @ApiOperation({ summary: 'Enable an interface' })
  async enable(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.interfaces.setEnabled([id], true, actorOf(request));
    return { data: await this.one(id) };
  }

  @Post(':id/disable')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Disable an interface' })
  async disable(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.interfaces.setEnabled([id], false, actorOf(request));
    return { data: await this.one(id) };
  }
}
