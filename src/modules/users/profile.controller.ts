import { Body, Controller, Delete, Get, Param, ParseIntPipe, Patch, Post, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { ChangeOwnPasswordDto, CreateTokenDto, UpdateProfileDto } from './dto/user.dto.js';
import { formString } from './form.js';
import { userView } from './users.api.controller.js';
import { UsersService } from './users.service.js';

const withSession = (request: Request) => ({ ...request.principal!, sessionId: request.sessionID });

/** The signed-in user's own settings: language, password, API tokens. */
@Controller('profile')
export class ProfileController {
  constructor(private readonly users: UsersService) {}

  private async model(request: Request, extra: Record<string, unknown> = {}) {
    const user = (await this.users.findById(request.principal!.userId)) ?? this.users.notFound();
    const tokens = await this.users.listTokens(user.id);
    return { title: 'profile.title', profile: user, tokens, ...extra };
  }

  @Get()
  @Render('users/profile')
  page(@Req() request: Request) {
    return this.model(request);
  }

  @Post()
  async update(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    const input = { displayName: formString(body, 'displayName') ?? '', language: formString(body, 'language') ?? '' };
    try {
      await this.users.update(request.principal!.userId, input, request.principal!, request.ip);
      response.redirect(303, '/profile');
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('users/profile', await this.model(request, { errors: error.fields }));
    }
  }

  @Post('password')
  async password(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    try {
      await this.users.changeOwnPassword(
        withSession(request),
        formString(body, 'currentPassword') ?? '',
        formString(body, 'password') ?? '',
        request.ip,
      );
      response.status(200).render('users/profile', await this.model(request, { passwordChanged: true }));
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('users/profile', await this.model(request, { errors: error.fields }));
    }
  }

  @Post('tokens')
  async createToken(@Req() request: Request, @Res() response: Response, @Body() body: Record<string, unknown>) {
    try {
      const { token } = await this.users.createToken(
        request.principal!.userId,
        formString(body, 'name') ?? '',
        request.principal!,
        request.ip,
      );
      response.status(201).render('users/profile', await this.model(request, { newToken: token }));
    } catch (error) {
      if (!(error instanceof ValidationException)) throw error;
      response.status(400).render('users/profile', await this.model(request, { errors: error.fields }));
    }
  }

  @Post('tokens/:id/revoke')
  async revokeToken(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.users.revokeToken(request.principal!.userId, id, request.principal!, request.ip);
    response.redirect(303, '/profile');
  }
}

@Controller('api/me')
export class ProfileApiController {
  constructor(private readonly users: UsersService) {}

  @Get()
  async me(@Req() request: Request) {
    const user = (await this.users.findById(request.principal!.userId)) ?? this.users.notFound();
    return { data: { ...userView(user), permissions: request.principal!.permissions } };
  }

  @Patch()
  async update(@Req() request: Request, @Body() body: UpdateProfileDto) {
    return { data: userView(await this.users.update(request.principal!.userId, body, request.principal!, request.ip)) };
  }

  @Post('password')
  async password(@Req() request: Request, @Body() body: ChangeOwnPasswordDto) {
    if (request.principal!.via === 'token')
      throw new AppException('FORBIDDEN', 'change passwords with a session, not an API token');
    await this.users.changeOwnPassword(withSession(request), body.currentPassword, body.password, request.ip);
    return { data: { changed: true } };
  }

  @Get('tokens')
  async tokens(@Req() request: Request) {
    const rows = await this.users.listTokens(request.principal!.userId);
    return { data: rows.map(({ tokenHash: _hash, ...row }) => row) };
  }

  /** The token is in this response only; it is stored hashed. */
  @Post('tokens')
  async createToken(@Req() request: Request, @Body() body: CreateTokenDto) {
    const { token, row } = await this.users.createToken(
      request.principal!.userId,
      body.name,
      request.principal!,
      request.ip,
    );
    const { tokenHash: _hash, ...shown } = row;
    return { data: { ...shown, token } };
  }

  @Delete('tokens/:id')
  async revoke(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.users.revokeToken(request.principal!.userId, id, request.principal!, request.ip);
    return { data: { revoked: true } };
  }
}
