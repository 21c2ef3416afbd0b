/**
 * Webhook delivery: one JSON POST (undici) signed with HMAC-SHA256 under the subscription's
 * secret, timestamped against replay.
 *
 * Headers:
 * - `X-Policy-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`
 * - `X-Policy-Alert-Id: <alert id>`: the same on every attempt of one alert; receivers dedupe on it.
 *
 * A receiver recomputes the HMAC over the raw bytes it received, compares in constant time, and
 * rejects a `t` more than a few minutes from its clock ({@link verifySignature}).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { request } from 'undici';

/** Longest part of a receiver's answer kept on the alert. */
const MAX_RESPONSE = 500;
/** Default tolerance of {@link verifySignature}: five minutes either way. */
export const SIGNATURE_TOLERANCE_S = 300;

/** The receiver did not accept the alert: a network failure, a timeout, or a status other than 2xx. */
export class WebhookError extends Error {
  readonly status: number | null;
  readonly response: string | null;
  constructor(message: string, status: number | null, response: string | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.status = status;
    this.response = response;
  }
}

function hmac(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');
}

/** The `X-Policy-Signature` value of `body` at unix time `t` (seconds). */
export function signatureHeader(secret: string, body: string, t: number): string {
  return `t=${t},v1=${hmac(secret, t, body)}`;
}

/**
 * Checks an `X-Policy-Signature` header against the raw body: the HMAC must match (constant-time)
 * and `t` must lie within `toleranceS` of `nowS`. @returns true when both hold.
 */
export function verifySignature(secret: string, body: string, header: string, nowS: number, toleranceS = SIGNATURE_TOLERANCE_S): boolean {
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowS - t) > toleranceS || !/^[0-9a-f]{64}$/.test(v1)) return false;
  return timingSafeEqual(Buffer.from(v1, 'hex'), Buffer.from(hmac(secret, t, body), 'hex'));
}

export interface WebhookRequest {
  readonly url: string;
  readonly body: string;
  readonly secret: string;
  readonly alertId: number;
  readonly timeoutMs: number;
  /** Unix time of the signature (seconds). */
  readonly now: number;
  readonly signal?: AbortSignal;
}

/**
 * POSTs one alert. @returns `HTTP <status> <start of the body>` when the receiver answered 2xx.
 * @throws WebhookError otherwise (the job retries).
 */
export async function postWebhook(req: WebhookRequest): Promise<string> {
  let res;
  try {
    res = await request(req.url, {
      method: 'POST',
      body: req.body,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'policy-tracker-webhook/1',
        'x-policy-signature': signatureHeader(req.secret, req.body, req.now),
        'x-policy-alert-id': String(req.alertId),
      },
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
      signal: req.signal,
    });
  } catch (cause) {
    throw new WebhookError(`webhook ${req.url}: ${(cause as Error).message}`, null, null, { cause });
  }
  const text = (await res.body.text().catch(() => '')).slice(0, MAX_RESPONSE);
  const summary = `HTTP ${res.statusCode}${text ? ` ${text.replace(/\s+/g, ' ').trim()}` : ''}`;
  if (res.statusCode < 200 || res.statusCode >= 300) throw new WebhookError(`webhook ${req.url} answered ${summary}`, res.statusCode, summary);
  return summary;
}

/** What the JSON body of a webhook is made of. */
export interface WebhookAlert {
  readonly id: number;
  readonly kind: string;
  readonly createdAt: Date;
  readonly subscription: { readonly id: number; readonly name: string };
  readonly summary: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * The JSON body: `{ id, kind, topic, createdAt, subscription: { id, name }, summary, document,
 * version?, changes?, measure?, endsOn?, daysLeft?, threshold?, basis?, repealedBy?, … }` —
 * `summary` is the Chinese sentence a reader sees, the rest is the alert's payload as stored.
 */
export function webhookBody(a: WebhookAlert): string {
  return JSON.stringify({ id: a.id, kind: a.kind, ...a.payload, createdAt: a.createdAt.toISOString(), subscription: a.subscription, summary: a.summary });
}
