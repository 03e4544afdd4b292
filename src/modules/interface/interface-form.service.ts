import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ValidationException } from '../../common/http/app.exception.js';
import { OwnerService } from '../access/owner.service.js';
import { formFlag, formIds, formInteger, formText, referenceList, type FormBody } from './form-fields.js';
import type { InterfaceInput } from './interface-input.js';
import { InterfaceQueryService, type NamedRef } from './interface-query.service.js';
import { InterfaceService, actorOf } from './interface.service.js';

/** What the form shows in its inputs: the user's text as typed, so nothing is lost on an error. */
interface InterfaceForm {
  name: string;
  description: string;
  folder: string;
  dataDateWatermark: string;
  retryCount: string;
  retryIntervalSeconds: string;
  enabled: boolean;
  addParents: string;
  ownerUser: string;
  ownerGroup: string;
  shared: boolean;
}

/** The add/edit form of an interface: its model, and turning a submitted form into a save. */
@Injectable()
export class InterfaceFormService {
  constructor(
    private readonly interfaces: InterfaceService,
    private readonly queries: InterfaceQueryService,
    private readonly owners: OwnerService,
  ) {}

  blank() {
    const form: InterfaceForm = {
      name: '',
      description: '',
      folder: '',
      dataDateWatermark: '',
      retryCount: '0',
      retryIntervalSeconds: '60',
      enabled: true,
      addParents: '',
      ownerUser: '',
      ownerGroup: '',
      shared: false,
    };
    return this.model(null, form, []);
  }

  async existing(id: number) {
    const row = await this.queries.get(id);
    const owner = await this.owners.view(row);
    const form: InterfaceForm = {
      name: row.name,
      description: row.description,
      folder: row.folder,
      dataDateWatermark: row.dataDateWatermark ?? '',
      retryCount: String(row.retryCount),
      retryIntervalSeconds: String(row.retryIntervalSeconds),
      enabled: row.enabled,
      addParents: '',
      ownerUser: owner.ownerUser ?? '',
      ownerGroup: owner.ownerGroup ?? '',
      shared: owner.shared,
    };
    return this.model(id, form, row.parents);
  }

  /** Saves and redirects to the detail page, or re-renders the form with field errors (400). */
  async submit(request: Request, response: Response, body: FormBody, id: number | null): Promise<void> {
    const form = this.formOf(body);
    let picked: number[] = [];
    try {
      picked = formIds(body, 'parentIds');
      const input = await this.input(body, form, picked);
      const row =
        id === null
          ? await this.interfaces.create(input, actorOf(request))
          : await this.interfaces.update(id, input, actorOf(request));
      response.redirect(303, `/interfaces/${row.id}`);
    } catch (error) {
      if (!(error instanceof ValidationException) && !isCycle(error)) throw error;
      const errors = error instanceof ValidationException ? error.fields : { parentIds: error.message };
      response.status(400).render('interfaces/form', {
        ...this.model(id, form, await this.queries.refs(picked)),
        errors,
      });
    }
  }

  private formOf(body: FormBody): InterfaceForm {
    return {
      name: formText(body, 'name'),
      description: formText(body, 'description'),
      folder: formText(body, 'folder'),
      dataDateWatermark: formText(body, 'dataDateWatermark').trim(),
      retryCount: formText(body, 'retryCount'),
      retryIntervalSeconds: formText(body, 'retryIntervalSeconds'),
      enabled: formFlag(body, 'enabled'),
      addParents: formText(body, 'addParents'),
      ownerUser: formText(body, 'ownerUser').trim(),
      ownerGroup: formText(body, 'ownerGroup').trim(),
      shared: formFlag(body, 'shared'),
    };
  }

  /** Picked parents plus the ones typed into the add box (names, or ids as #12). */
  private async input(body: FormBody, form: InterfaceForm, picked: number[]): Promise<InterfaceInput> {
    const typed = referenceList(form.addParents);
    const byId = typed.filter((entry) => /^#\d+$/.test(entry)).map((entry) => Number(entry.slice(1)));
    const names = typed.filter((entry) => !/^#\d+$/.test(entry));
    const found = await this.queries.idsByName(names);
    const unknown = names.filter((name) => !found.has(name));
    if (unknown.length > 0) throw new ValidationException({ parentIds: `no such interface: ${unknown.join(', ')}` });
    return {
      name: form.name,
      description: form.description,
      folder: form.folder,
      dataDateWatermark: form.dataDateWatermark || null,
      retryCount: formInteger(body, 'retryCount'),
      retryIntervalSeconds: formInteger(body, 'retryIntervalSeconds'),
      enabled: form.enabled,
      parentIds: [...new Set([...picked, ...byId, ...found.values()])],
      ownerUser: form.ownerUser || null,
      ownerGroup: form.ownerGroup || null,
      shared: form.shared,
    };
  }

  private model(id: number | null, form: InterfaceForm, parents: NamedRef[]) {
    return {
      title: id === null ? 'interfaces.new' : 'interfaces.edit',
      creating: id === null,
      interfaceId: id,
      form,
      parents,
    };
  }
}

function isCycle(error: unknown): error is Error {
  return error instanceof Error && 'code' in error && error.code === 'CYCLE';
}
