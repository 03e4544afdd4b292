import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { can } from '../../common/auth/permissions.js';
import { AppException, ValidationException } from '../../common/http/app.exception.js';
import { AccessService } from '../access/access.service.js';
import { restrictImportPlan, type VisibleInterfaces } from '../access/import-access.js';
import { ImportOwnersService } from '../access/import-owners.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../interface/interface.service.js';
import { isUniqueViolation, meshTransaction } from '../interface/mesh-write.js';
import { loadSnapshot } from './definitions-snapshot.js';
import type { ImportDocument, ImportMode, ImportReport } from './import-model.js';
import { planImport, reportOf } from './import-planner.js';
import { ImportWriter, type WrittenObject } from './import-writer.js';
import type { ImportPlan } from './plan-context.js';

export interface ImportOptions {
  mode: ImportMode;
  dryRun: boolean;
  actor: Actor;
  /** The uploaded file's name, for the audit log only. */
  fileName?: string;
}

const MAX_LISTED = 200;

/**
 * Imports definitions: a dry run compares the file with the installation and reports the diff; an
 * apply computes the same diff again inside one transaction (under the mesh lock) and writes it
 * only when it has no error at all, so a bad row imports nothing.
 */
@Injectable()
export class TransferImportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly access: AccessService,
    private readonly owners: ImportOwnersService,
  ) {}

  async run(document: ImportDocument, options: ImportOptions): Promise<ImportReport> {
    if (options.mode === 'mirror' && document.source !== 'definitions') {
      throw new ValidationException({ mode: 'mirror applies to definitions files only; tables are merged' });
    }
    if (document.dispatches.length > 0) this.requireSchedule(options.actor, 'the file has dispatches');
    const meta = { source: document.source, mode: options.mode, dryRun: options.dryRun };
    const visibleIds = await this.access.visibleInterfaceIds(options.actor.principal);
    const visible: VisibleInterfaces = visibleIds === 'all' ? 'all' : new Set(visibleIds);
    if (options.dryRun) {
      const plan = this.plan(await loadSnapshot(this.dataSource.manager), document, options, visible);
      await this.owners.decide(plan, document, options.actor.principal, this.dataSource.manager);
      return reportOf(plan, { ...meta, applied: false });
    }
    return this.applying(() =>
      meshTransaction(this.dataSource, async (manager) => {
        const snapshot = await loadSnapshot(manager);
        const plan = this.plan(snapshot, document, options, visible);
        const owners = await this.owners.decide(plan, document, options.actor.principal, manager);
        const report = reportOf(plan, { ...meta, applied: false });
        if (!report.valid) {
          const count = report.errors.length;
          throw new AppException(
            'VALIDATION',
            `the import has ${count} error${count === 1 ? '' : 's'}; nothing was imported`,
            report,
          );
        }
        const writer = new ImportWriter(manager, snapshot, options.actor.principal.username, owners);
        await writer.write(plan);
        await this.record(manager, writer.written, { ...report, applied: true }, options);
        return { ...report, applied: true };
      }),
    );
  }

  /** MySQL compares names without letter case (utf8mb4_unicode_ci): a name the plan took for new may still clash. */
  private async applying(apply: () => Promise<ImportReport>): Promise<ImportReport> {
    try {
      return await apply();
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new AppException(
        'CONFLICT',
        'a name in the file clashes with an existing one that the database takes for the same name ' +
          '(it differs only in letter case or accents); nothing was imported',
      );
    }
  }

  private plan(
    snapshot: Parameters<typeof planImport>[0],
    document: ImportDocument,
    options: ImportOptions,
    visible: VisibleInterfaces,
  ): ImportPlan {
    const plan = planImport(snapshot, document, options.mode);
    restrictImportPlan(plan, snapshot, visible);
    if (plan.deletions.dispatches.length > 0) this.requireSchedule(options.actor, 'mirror would delete dispatches');
    return plan;
  }

  private requireSchedule(actor: Actor, why: string): void {
    if (!can(actor.principal, 'schedule')) {
      throw new AppException('FORBIDDEN', `your role lacks the "schedule" permission (${why})`);
    }
  }

  /** One entry for the import with its counts, and one per object written. */
  private async record(
    manager: EntityManager,
    written: WrittenObject[],
    report: ImportReport,
    options: ImportOptions,
  ): Promise<void> {
    const base = { actor: options.actor.principal, ip: options.actor.ip };
    for (const object of written) {
      await this.audit.record(
        {
          ...base,
          action: object.action,
          targetType: object.type,
          targetId: object.id,
          targetName: object.name,
          detail: { via: 'import', ...(object.detail === null ? {} : { change: object.detail }) },
        },
        manager,
      );
    }
    const listed = written.slice(0, MAX_LISTED).map((object) => `${object.action} ${object.type} ${object.name}`);
    await this.audit.record(
      {
        ...base,
        action: 'import',
        targetType: 'definitions',
        targetName: (options.fileName ?? `${report.source} (API)`).replace(/\p{Cc}/gu, ' '),
        detail: { source: report.source, mode: report.mode, counts: report.counts, objects: listed },
      },
      manager,
    );
  }
}
