/**
 * Status of a document on a given day: a pure function, the day is an argument (no clock).
 */
import type { IsoDate } from '../pipeline/types.ts';

export type DocumentStatus = 'repealed' | 'pending' | 'expired' | 'in_force' | 'unknown';

export interface StatusInput {
  /** Stored status: 'repealed' once another document repealed this one. */
  readonly stored: 'active' | 'repealed';
  /** First day the document is no longer in force because of the repeal, when known. */
  readonly endedOn: IsoDate | null;
  readonly effective: IsoDate | null;
  /** Last day in force. */
  readonly expires: IsoDate | null;
}

/**
 * - `repealed`: repealed, and the repeal has taken effect by `on` (or its date is unknown);
 * - `pending`: takes effect after `on`;
 * - `expired`: its last day was before `on`;
 * - `in_force`: some date is known and none of the above holds;
 * - `unknown`: no dates at all (never read as "forever").
 * 'YYYY-MM-DD' strings compare correctly as strings.
 */
export function statusOn(doc: StatusInput, on: IsoDate): DocumentStatus {
  if (doc.stored === 'repealed' && (doc.endedOn === null || doc.endedOn <= on)) return 'repealed';
  if (doc.effective !== null && doc.effective > on) return 'pending';
  if (doc.expires !== null && doc.expires < on) return 'expired';
  if (doc.effective !== null || doc.expires !== null || doc.endedOn !== null) return 'in_force';
  return 'unknown';
}

/** Today's date in China (policies are dated in Beijing time), from the instant given. */
export function chinaDate(now: Date): IsoDate {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}
