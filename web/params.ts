/** Reading query parameters: one named error for a value the server cannot use (→ 400). */
import { DocumentNotFoundError, AmbiguousDocumentError } from '../db/errors.ts';
import type { DocumentStatus } from '../db/status.ts';
import { STATUSES } from '../db/web.repository.ts';

export class BadParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

export type Query = Readonly<Record<string, string | string[] | undefined>>;

export function str(q: Query, name: string): string | undefined {
  const v = q[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

export function date(q: Query, name: string): string | undefined {
  const v = str(q, name);
  if (v === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new BadParameterError(`${name} expects a date as YYYY-MM-DD, got "${v}"`);
  return v;
}

export function int(q: Query, name: string, min: number, max: number): number | undefined {
  const v = str(q, name);
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new BadParameterError(`${name} expects a whole number from ${min} to ${max}, got "${v}"`);
  return Number(v);
}

export function status(q: Query): DocumentStatus | undefined {
  const v = str(q, 'status');
  if (v === undefined) return undefined;
  if (!(STATUSES as readonly string[]).includes(v)) throw new BadParameterError(`status must be one of ${STATUSES.join(', ')}, got "${v}"`);
  return v as DocumentStatus;
}

export function kind(q: Query): 'policy' | 'news' | undefined {
  const v = str(q, 'kind');
  if (v === undefined) return undefined;
  if (v !== 'policy' && v !== 'news') throw new BadParameterError(`kind must be policy or news, got "${v}"`);
  return v;
}

/** `90d`, `6m`, `1y` or a number of days → days. */
export function within(q: Query, fallback: number): number {
  const v = str(q, 'within');
  if (v === undefined) return fallback;
  const m = /^(\d{1,4})([dmy]?)$/.exec(v);
  if (!m) throw new BadParameterError(`within expects e.g. 90d, 6m or 1y, got "${v}"`);
  const n = Number(m[1]) * (m[2] === 'm' ? 30 : m[2] === 'y' ? 365 : 1);
  if (n < 1 || n > 3660) throw new BadParameterError(`within must be 1 day to 10 years, got "${v}"`);
  return n;
}

/** HTTP status of an error thrown by a handler. */
export function httpStatusOf(err: unknown): number {
  if (err instanceof BadParameterError) return 400;
  if (err instanceof DocumentNotFoundError) return 404;
  if (err instanceof AmbiguousDocumentError) return 409;
  if (err instanceof Error && err.name === 'DiffRequestError') return 400;
  const code = (err as { statusCode?: unknown })?.statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : 500;
}
