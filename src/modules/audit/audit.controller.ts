import { Controller, Get, Query, Render } from '@nestjs/common';
import { RequirePermission } from '../../common/auth/decorators.js';
import { pageFromQuery, pageView } from '../../common/view/pagination.js';
import { AuditService } from './audit.service.js';

function filters(query: Record<string, string>) {
  return {
    username: query.username || undefined,
    action: query.action || undefined,
    targetType: query.targetType || undefined,
  };
}

@Controller('audit')
@RequirePermission('admin')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Render('audit/list')
  async list(@Query() query: Record<string, string>) {
    const request = pageFromQuery(query, 50);
    const { rows, total } = await this.audit.list({ ...request, ...filters(query) });
    return { title: 'audit.title', rows, page: pageView(request, total), filter: filters(query) };
  }
}

@Controller('api/audit')
@RequirePermission('admin')
export class AuditApiController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  async list(@Query() query: Record<string, string>) {
    const request = pageFromQuery(query, 50);
    const { rows, total } = await this.audit.list({ ...request, ...filters(query) });
    return { data: rows, page: pageView(request, total) };
  }
}
