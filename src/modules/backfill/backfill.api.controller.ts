import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { OwnedBy } from '../access/owned-by.js';
import { BackfillService } from './backfill.service.js';
import { CancelBackfillDto, CreateBackfillDto } from './dto/backfill.dto.js';

function caller(request: Request) {
  return { principal: request.principal!, ip: request.ip };
}

/** JSON API of backfills: a dispatch over a range of data dates (starting and acting need execute). */
@Controller('api/backfills')
@OwnedBy('backfill')
export class BackfillApiController {
  constructor(
    private readonly backfills: BackfillService,
    private readonly access: AccessService,
  ) {}

  @Get()
  async list(@Req() request: Request, @Query() query: Record<string, unknown>) {
    const page = pageFromQuery(query);
    let dispatchId: number | undefined;
    if (query.dispatchId !== undefined) {
      if (typeof query.dispatchId !== 'string' || !/^\d{1,9}$/.test(query.dispatchId)) {
        throw new ValidationException({ dispatchId: 'must be a dispatch id' });
      }
      dispatchId = Number(query.dispatchId);
    }
    const state = typeof query.state === 'string' && query.state !== '' ? query.state : undefined;
    const { rows, total } = await this.backfills.list({ ...page, dispatchId, state, user: request.principal });
    return { data: rows, page: pageView(page, total) };
  }

  @Post()
  @RequirePermission('execute')
  async create(@Req() request: Request, @Body() body: CreateBackfillDto) {
    await this.access.assertDispatch(request.principal!, body.dispatchId, 'act');
    return { data: await this.backfills.create(body, caller(request)) };
  }

  @Get(':id')
  async detail(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.backfills.detail(id) };
  }

  @Post(':id/pause')
  @HttpCode(200)
  @RequirePermission('execute')
  async pause(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.backfills.pause(id, caller(request)) };
  }

  @Post(':id/resume')
  @HttpCode(200)
  @RequirePermission('execute')
  async resume(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    return { data: await this.backfills.resume(id, caller(request)) };
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @RequirePermission('execute')
  async cancel(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: CancelBackfillDto) {
    return { data: await this.backfills.cancel(id, body.kill === true, caller(request)) };
  }
}
