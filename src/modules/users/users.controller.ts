import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { ValidationException } from '../../common/http/app.exception.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { generatePassword } from '../auth/password.js';
import { formBoolean, formString } from './form.js';
import { GroupsService } from './groups.service.js';
import { ROLES, type Role } from './user.entity.js';
import { UsersService, type UserInput } from './users.service.js';

function userInput(body: Record<string, unknown>, creating: boolean): UserInput {
  return {
    username: creating ? formString(body, 'username')?.trim() : undefined,
    displayName: formString(body, 'displayName') ?? '',
    email: formString(body, 'email')?.trim() ?? '',
    role: formString(body, 'role') as Role,
    language: formString(body, 'language') ?? '',
    enabled: formBoolean(body, 'enabled'),
    password: creating ? formString(body, 'password') : undefined,
  };
}

/** Admin pages: list, create, edit, enable/disable, reset password. */
@Controller('users')
@RequirePermission('admin')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly groups: GroupsService,
  ) {}

  @Get()
  @Render('users/list')
  async list(@Query() query: Record<string, string>) {
    const request = pageFromQuery(query);
    const { rows, total } = await this.users.list(request.page, request.pageSize, query.search);
    return { title: 'users.title', rows, page: pageView(request, total), search: query.search ?? '' };
  }

  @Get('new')
  @Render('users/form')
  newForm() {
    return { title: 'users.new', creating: true, roles: ROLES, form: { role: 'viewer', enabled: true } };
  }

  @Post('new')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const input = userInput(body, true);
    try {
      const user = await this.users.create(input, request.principal!, request.ip);
      response.redirect(303, `/users/${user.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('users/form', {
        title: 'users.new',
        creating: true,
        roles: ROLES,
        form: { ...input, password: '' },
        errors: error.fields,
      });
    }
  }

  @Get(':id')
  @Render('users/form')
  async editForm(@Param('id', ParseIntPipe) id: number) {
    const user = (await this.users.findById(id)) ?? this.users.notFound();
    const groups = await this.groups.groupsOf(id);
    return { title: 'common.edit', creating: false, roles: ROLES, form: user, userId: id, groups };
  }

  @Post(':id')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: Record<string, unknown>,
  ) {
    const input = userInput(body, false);
    try {
      await this.users.update(id, input, request.principal!, request.ip);
      response.redirect(303, '/users');
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      const user = (await this.users.findById(id)) ?? this.users.notFound();
      response.status(400).render('users/form', {
        title: 'common.edit',
        creating: false,
        roles: ROLES,
        form: { ...user, ...input },
        userId: id,
        errors: error.fields,
      });
    }
  }

  /** Generates a new password and shows it once. */
  @Post(':id/password')
  @Render('users/password')
  async resetPassword(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const user = (await this.users.findById(id)) ?? this.users.notFound();
    const password = generatePassword();
    await this.users.setPassword(id, password, request.principal!, request.ip);
    return { title: 'users.resetPassword', target: user, password };
  }
}
