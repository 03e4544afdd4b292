import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { In, Not, type DataSource } from 'typeorm';
import type { FieldErrors } from '../interface/definition-rules.js';
import { InterfaceEntity } from '../interface/interface.entity.js';
import { chunks } from '../interface/mesh-write.js';
import { ExecHostEntity, ExecHostTagEntity } from '../exec-host/exec-host.entity.js';
import type { JobValues } from './job-input.js';
import { JobEntity } from './job.entity.js';

/**
 * The checks of a job that read the database: its interface, exec host or tag and prerequisites
 * exist, and its name is free in its interface. (Exec hosts are read straight from their tables.)
 */
@Injectable()
export class JobReferenceChecker {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async check(values: JobValues, id: number | null, fields: FieldErrors): Promise<void> {
    const interfaceKnown = fields.interfaceId === undefined && (await this.interfaceExists(values.interfaceId));
    if (fields.interfaceId === undefined && !interfaceKnown) fields.interfaceId = 'no such interface';
    if (interfaceKnown && fields.name === undefined && (await this.nameTaken(values, id))) {
      fields.name = 'is already used by another job of this interface';
    }
    await this.checkTarget(values, fields);
    if (fields.prerequisiteIds === undefined) await this.checkPrerequisites(values.prerequisiteIds, id, fields);
  }

  private interfaceExists(id: number): Promise<boolean> {
    return this.dataSource.getRepository(InterfaceEntity).existsBy({ id });
  }

  private nameTaken(values: JobValues, id: number | null): Promise<boolean> {
    return this.dataSource.getRepository(JobEntity).existsBy({
      interfaceId: values.interfaceId,
      name: values.name,
      ...(id === null ? {} : { id: Not(id) }),
    });
  }

  private async checkTarget(values: JobValues, fields: FieldErrors): Promise<void> {
    if (fields.execHostId !== undefined || fields.hostTag !== undefined) return;
    if (values.execHostId !== null) {
      const known = await this.dataSource.getRepository(ExecHostEntity).existsBy({ id: values.execHostId });
      if (!known) fields.execHostId = 'no such exec host';
    } else {
      const known = await this.dataSource.getRepository(ExecHostTagEntity).existsBy({ tag: values.hostTag });
      if (!known) fields.hostTag = 'no exec host carries this tag';
    }
  }

  private async checkPrerequisites(ids: number[], id: number | null, fields: FieldErrors): Promise<void> {
    if (id !== null && ids.includes(id)) {
      fields.prerequisiteIds = 'a job cannot depend on itself';
      return;
    }
    const found = new Set<number>();
    for (const part of chunks(ids)) {
      const rows = await this.dataSource
        .getRepository(JobEntity)
        .find({ select: { id: true }, where: { id: In(part) } });
      for (const row of rows) found.add(row.id);
    }
    const missing = ids.filter((prerequisite) => !found.has(prerequisite));
    if (missing.length > 0) fields.prerequisiteIds = `no such job: ${missing.join(', ')}`;
  }
}
