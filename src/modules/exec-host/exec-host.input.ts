import { formBoolean, formString } from '../users/form.js';
import { formInteger } from './crud-support.js';

/** What a user may set on an exec host. On update, absent fields (and a blank token) stay unchanged. */
export interface ExecHostInput {
  name?: string;
  address?: string;
  token?: string;
  slots?: number;
  tags?: string[];
  enabled?: boolean;
  description?: string;
}

export const HOST_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
export const HOST_TAG = /^[A-Za-z0-9_.-]{1,64}$/;
export const MAX_TAGS = 20;
export const MAX_SLOTS = 10_000;

/** Base URL of an exec node: http(s), a host, optional port and path, nothing else. */
export function addressProblem(address: string): string | null {
  if (address.length > 512) return 'must be at most 512 characters';
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return 'must be an http(s) URL such as http://etl-01:7391';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must start with http:// or https://';
  if (!url.hostname) return 'must name a host';
  if (url.username || url.password) return 'must not contain a user or password (the token is separate)';
  if (url.search || url.hash) return 'must not contain a query or fragment';
  return null;
}

/** http://etl-01:7391/ → http://etl-01:7391 */
export const normaliseAddress = (address: string) => address.trim().replace(/\/+$/, '');

export function tokenProblem(token: string): string | null {
  if (token.length < 16 || token.length > 512) return 'must be 16-512 characters';
  if (/[\s\p{Cc}]/u.test(token)) return 'must not contain spaces or control characters';
  return null;
}

/** Field → problem for every invalid field of the input (empty when valid). */
export function execHostProblems(input: ExecHostInput, creating: boolean): Record<string, string> {
  const fields: Record<string, string> = {};
  if (creating || input.name !== undefined) {
    if (!input.name || !HOST_NAME.test(input.name)) {
      fields.name = 'must be 1-128 letters, digits or _ . - starting with a letter or digit';
    }
  }
  if (creating || input.address !== undefined) {
    const problem = input.address ? addressProblem(input.address) : 'is required';
    if (problem) fields.address = problem;
  }
  if (creating || (input.token !== undefined && input.token !== '')) {
    const problem = input.token ? tokenProblem(input.token) : 'is required';
    if (problem) fields.token = problem;
  }
  if (creating || input.slots !== undefined) {
    const slots = input.slots;
    if (slots === undefined || !Number.isInteger(slots) || slots < 1 || slots > MAX_SLOTS) {
      fields.slots = `must be an integer from 1 to ${MAX_SLOTS}`;
    }
  }
  if (input.tags !== undefined) {
    const bad = input.tags.find((tag) => !HOST_TAG.test(tag));
    if (bad !== undefined) fields.tags = `"${bad}" is not a tag: use 1-64 letters, digits or _ . -`;
    else if (input.tags.length > MAX_TAGS) fields.tags = `at most ${MAX_TAGS} tags`;
  }
  if (input.description !== undefined && input.description.length > 1000) {
    fields.description = 'must be at most 1000 characters';
  }
  return fields;
}

/** A host form as typed input: strings converted explicitly (a bad number stays NaN so it is reported). */
export function execHostFromForm(body: Record<string, unknown>): ExecHostInput {
  const tags = (formString(body, 'tags') ?? '').split(/[\s,]+/).filter((tag) => tag !== '');
  return {
    name: formString(body, 'name')?.trim() ?? '',
    address: formString(body, 'address')?.trim() ?? '',
    token: formString(body, 'token') ?? '',
    slots: formInteger(body, 'slots') ?? NaN,
    tags: [...new Set(tags)],
    enabled: formBoolean(body, 'enabled'),
    description: formString(body, 'description') ?? '',
  };
}
