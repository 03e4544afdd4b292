import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { ValidationException } from '../../common/http/app.exception.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { buildDefinitionsFile } from './definitions-export.js';
import type { DefinitionsFile } from './definitions-format.js';
import { loadSnapshot } from './definitions-snapshot.js';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async build(names: string[]): Promise<DefinitionsFile> {
    const snapshot = await loadSnapshot(this.dataSource.manager);
    if (names.length === 0) return buildDefinitionsFile(snapshot, null, new Date());
    const missing = names.filter((name) => !snapshot.interfaceByName.has(name));
    if (missing.length > 0) {
      throw new ValidationException({
        interfaces: `unknown interface ${missing.map((name) => `'${name}'`).join(', ')}`,
      });
    }
    const selected = new Set(names.map((name) => snapshot.interfaceByName.get(name)!.id));
    return buildDefinitionsFile(snapshot, selected, new Date());
  }

  /** Interface names for the page's picker. */
  async interfaceNames(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(InterfaceEntity)
      .find({ select: { name: true }, order: { name: 'ASC' }, take: 10_000 });
    return rows.map((row) => row.name);
  }
}
