import { ValidationException } from '../../common/http/app.exception.js';

/** `?cascade=true|false`, strictly. */
export function cascadeParam(value: unknown): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ValidationException({ cascade: 'must be true or false' });
}

/** `limit` and `exclude` of the picker endpoints. */
export function optionsParams(query: Record<string, unknown>): { q: string; limit: number; exclude: number[] } {
  const limitText = typeof query.limit === 'string' ? query.limit : '';
  const limit = limitText === '' ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new ValidationException({ limit: 'must be a whole number from 1 to 100' });
  }
  const excludeText = typeof query.exclude === 'string' ? query.exclude : '';
  const exclude = excludeText === '' ? [] : excludeText.split(',').map(Number);
  if (exclude.some((id) => !Number.isInteger(id) || id < 1)) {
    throw new ValidationException({ exclude: 'must be a comma-separated list of ids' });
  }
  const q = typeof query.q === 'string' ? query.q.trim().slice(0, 200) : '';
  return { q, limit, exclude };
}
