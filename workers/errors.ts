/**
 * Mapping errors to what the queue should do: retry (a plain Error) or give up at once
 * (`UnrecoverableError`, the job goes to the failed set for an operator to look at).
 */
import { UnrecoverableError } from 'bullmq';
import { InvalidDocumentError } from '../db/errors.ts';
import { InputError } from '../pipeline/errors.ts';
import { FetchError } from './http-fetch.ts';
import { RenderError } from './render.ts';

/** Turns anything thrown into an Error (G lib.ts#coerceError). */
export function coerceError(raw: unknown): Error {
  return raw instanceof Error ? raw : new Error(String(raw));
}

/** HTTP statuses that will not change by asking again soon. */
const PERMANENT_STATUSES = new Set([400, 404, 405, 410, 414, 501]);
/** Fetch failures that are properties of the page, not of the moment. */
const PERMANENT_FETCH = /too many redirects|over the .*limit|not a valid URL|unsupported protocol/;

/** True when retrying cannot help. */
export function isPermanent(err: Error): boolean {
  if (err instanceof UnrecoverableError || err instanceof InputError || err instanceof InvalidDocumentError) return true;
  if (err instanceof FetchError || err instanceof RenderError) {
    return (err.status !== null && PERMANENT_STATUSES.has(err.status)) || PERMANENT_FETCH.test(err.message);
  }
  return false;
}

/** The error to throw from a processor: UnrecoverableError for permanent failures (cause kept). */
export function toJobError(raw: unknown): Error {
  const err = coerceError(raw);
  if (err instanceof UnrecoverableError || !isPermanent(err)) return err;
  const out = new UnrecoverableError(err.message);
  (out as { cause?: unknown }).cause = err;
  return out;
}
