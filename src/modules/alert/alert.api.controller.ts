import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { booleanFilter, cascadeParam, parseListQuery } from '../exec-host/crud-support.js';
import { DeleteManyDto } from '../exec-host/dto/exec-host.dto.js';
import { AlertChannelRemovalService } from './alert-channel-removal.service.js';
import { AlertChannelService, CHANNEL_SORTS, isChannelType } from './alert-channel.service.js';
import { AlertTestService } from './alert-test.service.js';
import { CreateAlertChannelDto, TestMessageDto, UpdateAlertChannelDto } from './dto/alert-channel.dto.js';

@ApiTags('alerts')
@Controller('api/alerts')
export class AlertApiController {
  constructor(
    private readonly channels: AlertChannelService,
    private readonly removal: AlertChannelRemovalService,
    private readonly tester: AlertTestService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List alert channels (search, type, enabled, sort, order, page, pageSize)' })
  async list(@Query() query: Record<string, unknown>) {
    const list = parseListQuery(query, CHANNEL_SORTS, 'name', true);
    if (query.type !== undefined && !isChannelType(query.type))
      throw new ValidationException({ type: 'must be smtp or webhook' });
    const { rows, total } = await this.channels.list({
      ...list,
      type: isChannelType(query.type) ? query.type : undefined,
      enabled: booleanFilter(query, 'enabled', true),
    });
    return { data: rows, page: pageView(list, total) };
  }

  @Get(':id')
  @ApiOperation({ summary: 'One alert channel (never its password or secret header values)' })
  async get(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.channels.get(id) };
  }

  @Post()
  @RequirePermission('write')
  @ApiOperation({ summary: 'Create an SMTP or webhook channel; secrets are stored encrypted and never returned' })
  async create(@Req() request: Request, @Body() body: CreateAlertChannelDto) {
    return { data: await this.channels.create(body, request.principal!, request.ip) };
  }

  @Patch(':id')
  @RequirePermission('write')
  @ApiOperation({ summary: 'Change a channel; an absent or empty secret keeps the stored one, null removes it' })
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: UpdateAlertChannelDto) {
    return { data: await this.channels.update(id, body, request.principal!, request.ip) };
  }

  @Delete(':id')
  @RequirePermission('write')
  @ApiOperation({
    summary: 'Delete a channel; 409 HAS_DEPENDENTS when dispatch alerts use it, unless cascade=true deletes them',
  })
  async remove(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Query('cascade') cascade: unknown) {
    return { data: await this.removal.remove([id], cascadeParam(cascade), request.principal!, request.ip) };
  }

  @Post('delete')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Delete several channels in one transaction (all or none)' })
  async removeMany(@Req() request: Request, @Body() body: DeleteManyDto) {
    return { data: await this.removal.remove(body.ids, body.cascade ?? false, request.principal!, request.ip) };
  }

  @Post(':id/test')
  @HttpCode(200)
  @RequirePermission('write')
  @ApiOperation({ summary: 'Send a test message to the given recipients; 503 UNAVAILABLE when it is not delivered' })
  async test(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: TestMessageDto) {
    const result = await this.tester.send(id, body.recipients ?? '', request.principal!, request.ip);
    return { data: { ok: true, result } };
  }
}
