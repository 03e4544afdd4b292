import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { maskLiveRuns } from '../access/live-mask.js';
import { booleanFilter, cascadeParam, parseListQuery } from './crud-support.js';
import { CreateExecHostDto, DeleteManyDto, UpdateExecHostDto } from './dto/exec-host.dto.js';
import { ExecHostProbeService } from './exec-host-probe.service.js';
import { ExecHostLiveService } from './exec-host-live.service.js';
import { ExecHostRemovalService } from './exec-host-removal.service.js';
import { ExecHostService, HOST_SORTS, isHostState } from './exec-host.service.js';

@ApiTags('exec-hosts')
@Controller('api/exec-hosts')
export class ExecHostApiController {
  constructor(
    private readonly hosts: ExecHostService,
    private readonly removal: ExecHostRemovalService,
    private readonly probe: ExecHostProbeService,
    private readonly liveHosts: ExecHostLiveService,
    private readonly access: AccessService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'List exec hosts with live status (search, enabled, state, tag, sort, order, page, pageSize)',
  })
  async list(@Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, HOST_SORTS, 'name', true);
    if (query.state !== undefined && !isHostState(query.state)) {
      throw new ValidationException({ state: 'must be unknown, online, offline or draining' });
    }
    const { rows, total } = await this.hosts.list({
      ...list,
      enabled: booleanFilter(query, 'enabled', true),
      state: isHostState(query.state) ? query.state : undefined,
      tag: typeof query.tag === 'string' && query.tag !== '' ? query.tag : undefined,
    });
    return { data: rows, page: pageView(list, total) };
  }

  @Get('live')
  @ApiOperation({
    summary: 'Every exec host: state, heartbeat age, load/memory/disk, slots used and its runs in flight',
  })
  async live(@Req() request: Request) {
    const live = await this.liveHosts.live();
    return { data: { ...live, hosts: await maskLiveRuns(this.access, request.principal!, live.hosts) } };
  }

  @Post(':id/drain')
  @HttpCode(200)
  @RequirePermission('execute')
  @ApiOperation({ summary: 'Drain: the node takes no new runs (those running finish); 503 when it cannot be reached' })
  async drain(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const host = await this.liveHosts.setDraining(id, true, request.principal!, request.ip);
    return { data: (await maskLiveRuns(this.access, request.principal!, [host]))[0] };
  }

  @Post(':id/undrain')
  @HttpCode(200)
  @RequirePermission('execute')
  @ApiOperation({ summary: 'Undrain: the node takes runs again' })
  async undrain(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const host = await this.liveHosts.setDraining(id, false, request.principal!, request.ip);
    return { data: (await maskLiveRuns(this.access, request.principal!, [host]))[0] };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One exec host with its live status (never its token)' })
  async get(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.hosts.get(id) };
  }

  @Post()
  @RequirePermission('write')
  @ApiOperation({ summary: 'Register an exec host; the token is stored encrypted and never returned' })
  async create(@Req() request: Request, @Body() body: CreateExecHostDto) {
    return { data: await this.hosts.create({ ...body, slots: body.slots ?? 4 }, request.principal!, request.ip) };
  }

  @Patch(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Change an exec host; an absent or empty token keeps the current one' })
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: UpdateExecHostDto) {
    return { data: await this.hosts.update(id, body, request.principal!, request.ip) };
  }

  @Delete(':id')
  @RequirePermission('write')
  @ApiOperation({
    summary: 'Delete an exec host; 409 HAS_DEPENDENTS when jobs are pinned to it, unless cascade=true unpins them',
  })
  async remove(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Query('cascade') cascade: unknown) {
    return { data: await this.removal.remove([id], cascadeParam(cascade), request.principal!, request.ip) };
  }

  @Post('delete')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete several exec hosts in one transaction (all or none)' })
  async removeMany(@Req() request: Request, @Body() body: DeleteManyDto) {
    return { data: await this.removal.remove(body.ids, body.cascade ?? false, request.principal!, request.ip) };
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({
    summary:
      "Test connection: call the node's host.info and record it; 503 UNAVAILABLE with details.reason when it fails",
  })
  async test(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const { info, host } = await this.probe.test(id, request.principal!, request.ip);
    return { data: { ok: true, info, host } };
  }
}
