import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ValidationException } from '../../common/http/app.exception.js';
import { AccessService, interfaceCondition, type AccessUser } from '../access/access.service.js';
import { maskReferences } from '../access/export-mask.js';
import { OwnerService } from '../access/owner.service.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { buildDefinitionsFile } from './definitions-export.js';
import type { DefinitionsFile } from './definitions-format.js';
import { loadSnapshot, type DefinitionsSnapshot } from './definitions-snapshot.js';

/** Names from `?interfaces=a,b` (repeatable); empty = everything. */
export function interfacesParam(value: unknown): string[] {
  const values = Array.isArray(value) ? value : [value];
  if (values.some((item) => item !== undefined && typeof item !== 'string')) {
    throw new ValidationException({ interfaces: 'must be interface names separated by commas' });
  }
  const names = (values as (string | undefined)[]).flatMap((item) => (item ?? '').split(','));
  return [...new Set(names.map((name) => name.trim()).filter((name) => name !== ''))];
}

/** Exports definitions as one versioned file (see definitions-format.ts). */
@Injectable()
export class TransferExportService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly access: AccessService,
    private readonly owners: OwnerService,
  ) {}

  /** Only interfaces the user may see (with their jobs and dispatches); a hidden name is unknown. */
  async build(names: string[], user: AccessUser): Promise<DefinitionsFile> {
    const snapshot = await loadSnapshot(this.dataSource.manager);
    const visibleIds = await this.access.visibleInterfaceIds(user);
    const visible = visibleIds === 'all' ? null : new Set(visibleIds);
    if (names.length === 0) return this.finish(buildDefinitionsFile(snapshot, visible, new Date()), snapshot, visible);
    const shown = (name: string) => visible === null || visible.has(snapshot.interfaceByName.get(name)?.id ?? -1);
    const missing = names.filter((name) => !snapshot.interfaceByName.has(name) || !shown(name));
    if (missing.length > 0) {
      throw new ValidationException({
        interfaces: `unknown interface ${missing.map((name) => `'${name}'`).join(', ')}`,
      });
    }
    const selected = new Set(names.map((name) => snapshot.interfaceByName.get(name)!.id));
    return this.finish(buildDefinitionsFile(snapshot, selected, new Date()), snapshot, visible);
  }

  /** Owners by name on every interface; references to what the user may not see masked. */
  private async finish(
    file: DefinitionsFile,
    snapshot: DefinitionsSnapshot,
    visible: ReadonlySet<number> | null,
  ): Promise<DefinitionsFile> {
    const rows = file.interfaces.map((item) => snapshot.interfaceByName.get(item.name)!);
    const views = await this.owners.views(rows);
    const interfaces = file.interfaces.map((item, index) => ({ ...item, ...views[index] }));
    return maskReferences({ ...file, interfaces }, snapshot, visible);
  }

  /** Interface names for the page's picker (the ones the user may see). */
  async interfaceNames(user: AccessUser): Promise<string[]> {
    const builder = this.dataSource
      .getRepository(InterfaceEntity)
      .createQueryBuilder('i')
      .select(['i.id', 'i.name'])
      .orderBy('i.name', 'ASC')
      .take(10_000);
    const visible = interfaceCondition(user, 'i.id');
    if (visible) builder.andWhere(visible.sql, visible.params);
    return (await builder.getMany()).map((row) => row.name);
  }
}
