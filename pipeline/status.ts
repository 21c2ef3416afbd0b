/**
 * Status on a given day, for documents, versions and measures. Pure: the day is an argument,
 * never the clock; 'YYYY-MM-DD' strings compare correctly as strings.
 *
 * Order of the rules: `repealed` (the repeal has taken effect) → `superseded` (a newer version
 * has taken effect; versions only) → `pending` (starts after the day) → `expired` (its last day
 * was before the day) → `expiring` (its last day is within the warning window) → `in_force`
 * (its last day is known and later) → `unknown` (no last day found: never read as "forever",
 * even when the text has taken effect).
 */
import { addDays } from './dates.ts';
import type { IsoDate } from './types.ts';

export type LifecycleStatus = 'pending' | 'in_force' | 'expiring' | 'expired' | 'repealed' | 'superseded' | 'unknown';

/** Days before its last day a text or measure counts as `expiring`, unless told otherwise. */
export const DEFAULT_WARNING_DAYS = 90;

export interface StatusOptions {
  /** Warning window in days (default {@link DEFAULT_WARNING_DAYS}); 0 turns `expiring` off. */
  readonly warningDays?: number;
}

/** What the status of a document (or one version of it) depends on. */
export interface DocumentDates {
  readonly effective: IsoDate | null;
  /** Last day in force, when the text says. */
  readonly expires: IsoDate | null;
  /** Set once another document repealed this one: the first day it is no longer in force, null when unknown. */
  readonly repealedOn?: IsoDate | null;
  /** True when repealed (the date may be unknown; then the repeal counts as in effect). */
  readonly repealed?: boolean;
  /** For a version: the day the newer version takes effect (null: a newer one exists, its start unknown). Undefined: none. */
  readonly supersededOn?: IsoDate | null;
}

/** A measure's own window; null dates follow the document. */
export interface MeasureWindow {
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate | null;
}

/** The status with the dates a reader needs. */
export interface StatusReport {
  readonly status: LifecycleStatus;
  /** The last day in force that the status was judged by (the earlier of the measure's and the document's). */
  readonly endsOn: IsoDate | null;
  /** Days from the day asked about to `endsOn` (0 on the last day), null when `endsOn` is. */
  readonly daysLeft: number | null;
}

const DAY_MS = 86_400_000;

/** Digit `i` of a date string (no checks: callers pass 'YYYY-MM-DD'). */
function digit(s: string, i: number): number {
  return s.charCodeAt(i) - 48;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; NaN when it is not one. */
function dayNumber(d: IsoDate): number {
  if (d.length !== 10 || d.charCodeAt(4) !== 45 || d.charCodeAt(7) !== 45) return Number.NaN;
  const y = digit(d, 0) * 1000 + digit(d, 1) * 100 + digit(d, 2) * 10 + digit(d, 3);
  const m = digit(d, 5) * 10 + digit(d, 6);
  const day = digit(d, 8) * 10 + digit(d, 9);
  // Date.UTC reads years 0–99 as 1900–1999.
  return y < 100 ? Date.parse(`${d}T00:00:00Z`) / DAY_MS : Date.UTC(y, m - 1, day) / DAY_MS;
}

/**
 * Whole days from `from` to `to` (negative when `to` is earlier); NaN unless both are
 * 'YYYY-MM-DD'. Read digit by digit: it runs once per listed item (`expiring` lists thousands).
 */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return dayNumber(to) - dayNumber(from);
}

function earlier(a: IsoDate | null, b: IsoDate | null): IsoDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function later(a: IsoDate | null, b: IsoDate | null): IsoDate | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

function judge(start: IsoDate | null, end: IsoDate | null, on: IsoDate, opts: StatusOptions): StatusReport {
  const daysLeft = end === null ? null : daysBetween(on, end);
  if (start !== null && start > on) return { status: 'pending', endsOn: end, daysLeft };
  if (end === null) return { status: 'unknown', endsOn: null, daysLeft: null };
  if (end < on) return { status: 'expired', endsOn: end, daysLeft };
  const warn = opts.warningDays ?? DEFAULT_WARNING_DAYS;
  // daysLeft <= warn: end is on or before `on` + warn days.
  if (warn > 0 && daysLeft !== null && daysLeft <= warn) return { status: 'expiring', endsOn: end, daysLeft };
  return { status: 'in_force', endsOn: end, daysLeft };
}

/** Repealed or superseded by `on`, else null. */
function stopped(doc: DocumentDates, on: IsoDate): StatusReport | null {
  const repealed = doc.repealed === true || (doc.repealedOn !== undefined && doc.repealedOn !== null);
  if (repealed && (doc.repealedOn === undefined || doc.repealedOn === null || doc.repealedOn <= on)) {
    return { status: 'repealed', endsOn: doc.repealedOn ? addDays(doc.repealedOn, -1) : null, daysLeft: null };
  }
  if (doc.supersededOn !== undefined && (doc.supersededOn === null || doc.supersededOn <= on)) {
    return { status: 'superseded', endsOn: doc.supersededOn ? addDays(doc.supersededOn, -1) : null, daysLeft: null };
  }
  return null;
}

/** Last day of a document once a repeal or a newer version that has not yet taken effect is counted. */
export function documentEnd(doc: DocumentDates): IsoDate | null {
  let end = doc.expires;
  if (doc.repealedOn) end = earlier(end, addDays(doc.repealedOn, -1));
  if (doc.supersededOn) end = earlier(end, addDays(doc.supersededOn, -1));
  return end;
}

/**
 * Status of a document (or of one version, with `supersededOn`) on `on`.
 *
 * @example
 * documentStatus({ effective: '2025-12-31', expires: '2030-12-30' }, '2030-10-15') // → { status: 'expiring', endsOn: '2030-12-30', daysLeft: 76 }
 * documentStatus({ effective: '2025-01-01', expires: null }, '2026-01-01')          // → { status: 'unknown', … }
 */
export function documentStatus(doc: DocumentDates, on: IsoDate, opts: StatusOptions = {}): StatusReport {
  return stopped(doc, on) ?? judge(doc.effective, documentEnd(doc), on, opts);
}

/**
 * Status of a measure on `on`: what stops its document stops it; otherwise its own window, bounded
 * by the document's (a measure ends on the earlier of its own end and its document's, and starts
 * on the later of the two starts). A measure without its own dates has its document's status.
 */
export function measureStatus(measure: MeasureWindow, doc: DocumentDates, on: IsoDate, opts: StatusOptions = {}): StatusReport {
  return stopped(doc, on) ?? judge(later(measure.startsOn, doc.effective), earlier(measure.endsOn, documentEnd(doc)), on, opts);
}
