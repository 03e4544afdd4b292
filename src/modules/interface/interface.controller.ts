import { Body, Controller, Get, Param, ParseIntPipe, Post, Query, Render, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { RequirePermission } from '../../common/auth/decorators.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { pageView } from '../../common/view/pagination.js';
import { AccessService } from '../access/access.service.js';
import { maskDependents } from '../access/dependents-mask.js';
import { OwnerService } from '../access/owner.service.js';
import type { Dependent } from './dependents.js';
import { formFlag, formIds, formText, safeBack, type FormBody } from './form-fields.js';
import { InterfaceDeleteService } from './interface-delete.service.js';
import { InterfaceFormService } from './interface-form.service.js';
import { INTERFACE_SORTS, InterfaceQueryService } from './interface-query.service.js';
import { InterfaceService, actorOf } from './interface.service.js';
import { listPageModel, parseListQuery } from './list-query.js';

const BATCH_ACTIONS = ['enable', 'disable', 'delete', 'delete-confirmed'] as const;

/** Interface pages: list, detail, add/edit forms, enable/disable, delete with a confirmation page. */
@Controller('interfaces')
export class InterfaceController {
  constructor(
    private readonly interfaces: InterfaceService,
    private readonly queries: InterfaceQueryService,
    private readonly deletes: InterfaceDeleteService,
    private readonly forms: InterfaceFormService,
    private readonly access: AccessService,
    private readonly owners: OwnerService,
  ) {}

  @Get()
  @Render('interfaces/list')
  async list(@Req() req: Request, @Query() query: Record<string, unknown>) {
    const request = parseListQuery(query, INTERFACE_SORTS, 'name', false);
    const { rows, total } = await this.queries.list(request, req.principal);
    return {
      title: 'interfaces.title',
      rows,
      page: pageView({ page: request.page, pageSize: request.pageSize }, total),
      ...listPageModel('/interfaces', request, INTERFACE_SORTS),
    };
  }

  @Get('new')
  @RequirePermission('write')
  @Render('interfaces/form')
  newForm() {
    return this.forms.blank();
  }

  @Post('new')
  @RequirePermission('write')
  async create(@Req() request: Request, @Res() response: Response, @Body() body: FormBody) {
    await this.forms.submit(request, response, body, null);
  }

  @Post('batch')
  @RequirePermission('write')
  async batch(@Req() request: Request, @Res() response: Response, @Body() body: FormBody) {
    const action = BATCH_ACTIONS.find((candidate) => candidate === formText(body, 'action'));
    if (!action) throw new ValidationException({ action: `must be one of ${BATCH_ACTIONS.join(', ')}` });
    const ids = formIds(body, 'ids');
    if (ids.length === 0) throw new ValidationException({ ids: 'select at least one interface' });
    await this.access.assertInterfaces(request.principal!, ids, 'act');
    const back = safeBack(formText(body, 'back'), '/interfaces');
    if (action === 'delete') {
      response.status(200).render('interfaces/delete', await this.confirmModel(request, ids, back));
      return;
    }
    if (action === 'delete-confirmed') {
      await this.deleteOrExplain(request, response, ids, formFlag(body, 'cascade'), back);
      return;
    }
    await this.interfaces.setEnabled(ids, action === 'enable', actorOf(request));
    response.redirect(303, back);
  }

  @Get(':id')
  @Render('interfaces/detail')
  async detail(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    const user = request.principal!;
    await this.access.assertInterface(user, id, 'view');
    const detail = await this.queries.detail(id);
    const mask = <T extends { id: number; name: string }>(refs: T[]) =>
      this.access.maskNames(
        user,
        refs,
        (ref) => ref.id,
        (ref) => `#${ref.id}`,
      );
    return {
      title: 'interfaces.detail',
      ...detail,
      parents: await mask(detail.parents),
      children: await mask(detail.children),
      owner: await this.owners.view(detail.row),
      moreJobs: detail.jobCount > detail.jobs.length,
    };
  }

  @Get(':id/edit')
  @RequirePermission('write')
  @Render('interfaces/form')
  async edit(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    return this.forms.existing(id);
  }

  @Post(':id/edit')
  @RequirePermission('write')
  async update(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: FormBody,
  ) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.forms.submit(request, response, body, id);
  }

  @Post(':id/enable')
  @RequirePermission('write')
  async enable(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.interfaces.setEnabled([id], true, actorOf(request));
    response.redirect(303, safeBack(formText(request.body as FormBody, 'back'), `/interfaces/${id}`));
  }

  @Post(':id/disable')
  @RequirePermission('write')
  async disable(@Req() request: Request, @Res() response: Response, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.interfaces.setEnabled([id], false, actorOf(request));
    response.redirect(303, safeBack(formText(request.body as FormBody, 'back'), `/interfaces/${id}`));
  }

  /** The confirmation page: what would go with it, and the buttons to delete (with a cascade). */
  @Get(':id/delete')
  @RequirePermission('write')
  @Render('interfaces/delete')
  async confirmDelete(@Req() request: Request, @Param('id', ParseIntPipe) id: number) {
    await this.access.assertInterface(request.principal!, id, 'act');
    return this.confirmModel(request, [id], '/interfaces');
  }

  @Post(':id/delete')
  @RequirePermission('write')
  async delete(
    @Req() request: Request,
    @Res() response: Response,
    @Param('id', ParseIntPipe) id: number,
    @Body() body: FormBody,
  ) {
    await this.access.assertInterface(request.principal!, id, 'act');
    await this.deleteOrExplain(request, response, [id], formFlag(body, 'cascade'), '/interfaces');
  }

  private async deleteOrExplain(request: Request, response: Response, ids: number[], cascade: boolean, back: string) {
    try {
      await this.deletes.delete(ids, cascade, actorOf(request));
      response.redirect(303, back);
    } catch (error) {
      if (!(error instanceof AppException) || error.code !== 'HAS_DEPENDENTS') throw error;
      const { dependents } = error.details as { dependents: Dependent[] };
      response.status(409).render('interfaces/delete', {
        ...(await this.confirmModel(request, ids, back, dependents)),
        refused: error.message,
      });
    }
  }

  private async confirmModel(request: Request, ids: number[], back: string, known?: Dependent[]) {
    const found = known ?? (await this.deletes.dependents(ids));
    const dependents = await maskDependents(this.access, request.principal!, found);
    return {
      title: 'interfaces.deleteTitle',
      targets: await this.queries.refs(ids),
      ids,
      single: ids.length === 1,
      dependents,
      back,
    };
  }
}
