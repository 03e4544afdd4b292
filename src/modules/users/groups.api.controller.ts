import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AddMembersDto, CreateGroupDto, UpdateGroupDto } from './dto/group.dto.js';
import { GroupsService } from './groups.service.js';

const actorOf = (request: Request) => ({ principal: request.principal!, ip: request.ip });

/** Groups API (admins): CRUD and membership by user name. */
@Controller('api/groups')
@RequirePermission('admin')
export class GroupsApiController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  async list(@Query('search') search?: string) {
    return { data: await this.groups.list(typeof search === 'string' ? search.trim() : '') };
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number) {
    return { data: await this.groups.get(id) };
  }

  @Post()
  async create(@Req() request: Request, @Body() body: CreateGroupDto) {
    const group = await this.groups.create(body, actorOf(request));
    return { data: await this.groups.get(group.id) };
  }

  @Patch(':id')
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: UpdateGroupDto) {
    const current = await this.groups.get(id);
    await this.groups.update(
      id,
      { name: body.name ?? current.name, description: body.description ?? current.description },
      actorOf(request),
    );
    return { data: await this.groups.get(id) };
  }

  @Delete(':id')
  @HttpCode(204)
  async remove(@Req() request: Request, @Param('id', ParseIntPipe) id: number): Promise<void> {
    await this.groups.remove(id, actorOf(request));
  }

  @Post(':id/members')
  async addMembers(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: AddMembersDto) {
    return { data: await this.groups.addMembers(id, body.usernames, actorOf(request)) };
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  async removeMember(
    @Req() request: Request,
    @Param('id', ParseIntPipe) id: number,
    @Param('userId', ParseIntPipe) userId: number,
  ): Promise<void> {
    await this.groups.removeMember(id, userId, actorOf(request));
  }
}
