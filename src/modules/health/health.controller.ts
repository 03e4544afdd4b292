import { Controller, Get, HttpCode } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Public } from '../../common/auth/decorators.js';
import { AppException } from '../../common/http/app.exception.js';

@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** For load balancers and probes: 200 when the database answers, 503 otherwise. No auth. */
  @Public()
  @Get('healthz')
  async health() {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new AppException('UNAVAILABLE', 'database unreachable');
    }
    return { status: 'ok', uptimeSeconds: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  /** Browsers ask for it on every page; answer without a body instead of a 404 in every console. */
  @Public()
  @Get('favicon.ico')
  @HttpCode(204)
  favicon(): void {}
}
