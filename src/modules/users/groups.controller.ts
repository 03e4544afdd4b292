import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { formString } from './form.js';
import { GroupsService, type GroupInput } from './groups.service.js';

const actorOf = (request: Request) => ({ principal: request.principal!, ip: request.ip });

function groupInput(body: Record<string, unknown>): GroupInput {
  return { name: formString(body, 'name')?.trim() ?? '', description: formString(body, 'description') ?? '' };
}

/** Admin pages for groups ("pools" of users that own interfaces together). */
@Controller('groups')
@RequirePermission('admin')
export class GroupsController {
  constructor(private readonly groups: GroupsService) {}

  @Get()
  @Render('users/groups')
  async list(@Query('search') search?: string) {
    const text = typeof search === 'string' ? search.trim() : '';
    return { title: 'groups.title', rows: await this.groups.list(text), search: text };
  }

  @Get('new')
  @Render('users/group-form')
  newForm() {
    return { title: 'groups.new', creating: true, form: {} };
  }

  @Post('new')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const input = groupInput(body);
    try {
      const group = await this.groups.create(input, actorOf(request));
      response.redirect(303, `/groups/${group.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response
        .status(400)
        .render('users/group-form', { title: 'groups.new', creating: true, form: input, errors: error.fields });
    }
  }

  @Get(':id')
  @Render('users/group-form')
  async editForm(@Param('id', ParseIntPipe) id: number) {
    const group = await this.groups.get(id);
    return { title: 'groups.edit', creating: false, form: group, group };
  }

  @Post(':id')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const input = groupInput(body);
    try {
      await this.groups.update(id, input, actorOf(request));
      response.redirect(303, `/groups/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      await this.renderError(response, id, { form: input, errors: error.fields });
    }
  }

  @Post(':id/members')
  async addMembers(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const text = formString(body, 'usernames') ?? '';
    try {
      await this.groups.addMembers(id, text.split(','), actorOf(request));
      response.redirect(303, `/groups/${id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      await this.renderError(response, id, { usernames: text, errors: error.fields });
    }
  }

  @Post(':id/members/:userId/remove')
  async removeMember(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Param('userId', ParseIntPipe) userId: number,
  ) {
    await this.groups.removeMember(id, userId, actorOf(request));
    response.redirect(303, `/groups/${id}`);
  }

  @Post(':id/delete')
  async remove(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    try {
      await this.groups.remove(id, actorOf(request));
      response.redirect(303, '/groups');
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'HAS_DEPENDENTS') throw error;
      await this.renderError(response, id, { errors: { delete: error.message } }, 409);
    }
  }

  private async renderError(response: Response, id: number, extra: Record<string, unknown>, status = 400) {
    const group = await this.groups.get(id);
    response
      .status(status)
      .render('users/group-form', { title: 'groups.edit', creating: false, form: group, group, ...extra });
  }
}
