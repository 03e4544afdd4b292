import { Body, Controller, Get, Param, ParseIntPipe, Patch, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { generatePassword } from '../auth/password.js';
import { CreateUserDto, ResetPasswordDto, UpdateUserDto } from './dto/user.dto.js';
import type { UserEntity } from './user.entity.js';
import { UsersService } from './users.service.js';

/** What the API shows of a user: never the password hash. */
export function userView(user: UserEntity) {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    role: user.role,
    enabled: user.enabled,
    language: user.language,
    lockedUntil: user.lockedUntil,
    lastLoginAt: user.lastLoginAt,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

@Controller('api/users')
@RequirePermission('admin')
export class UsersApiController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async list(@Query() query: Record<string, string>) {
    const request = pageFromQuery(query);
    const { rows, total } = await this.users.list(request.page, request.pageSize, query.search);
    return { data: rows.map(userView), page: pageView(request, total) };
  }

  @Get(':id')
  async get(@Param('id', ParseIntPipe) id: number) {
    const user = await this.users.findById(id);
    if (!user) return this.users.notFound();
    return { data: userView(user) };
  }

  @Post()
  async create(@Req() request: Request, @Body() body: CreateUserDto) {
    const user = await this.users.create(body, request.principal!, request.ip);
    return { data: userView(user) };
  }

  @Patch(':id')
  async update(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: UpdateUserDto) {
    return { data: userView(await this.users.update(id, body, request.principal!, request.ip)) };
  }

  /** Sets the given password, or generates one and returns it once. */
  @Post(':id/password')
  async resetPassword(@Req() request: Request, @Param('id', ParseIntPipe) id: number, @Body() body: ResetPasswordDto) {
    const password = body.password ?? generatePassword();
    await this.users.setPassword(id, password, request.principal!, request.ip);
    return { data: { password: body.password ? undefined : password } };
  }
}
