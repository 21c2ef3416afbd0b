/**
 * Fetching one source (or one page linked from a listing source): conditional GET or a
 * rendered page, politeness per host, block/mojibake/selector checks, snapshot of the raw bytes,
 * then an ingest job — or, for a listing, one fetch job per new link; a file or directory source
 * is read from disk (workers/file-source.ts). Health bookkeeping on the source. Every ordinary
 * result is a {@link FetchOutcome}; failures throw (mapped to retry or give-up by the fetch worker).
 *
 * A `--render` source is first asked for with a plain conditional GET: a 304, or raw bytes equal
 * to those behind the last rendered snapshot, end the job without starting Chromium.
 */
import { bytesHash } from '../db/identity.ts';
import { recordSnapshot } from '../db/snapshot.repository.ts';
import { claimTick, findSource, markFailed, markFetched, rememberLinks, type Source } from '../db/source.repository.ts';
import { markBroken, markRecovered, type BrokenReason } from '../db/source-health.repository.ts';
import { decodeBytes } from '../pipeline/decode.ts';
import { InputError } from '../pipeline/errors.ts';
import type { WorkerContext } from './context.ts';
import { takeHostSlot } from './host-rate.ts';
import { FetchError, fetchPage, NOT_MODIFIED } from './http-fetch.ts';
import { detectBlock, detectMojibake, extractLinks } from './page-check.ts';
import { enqueue, jobIds, type Payload } from './queues.ts';
import { readFileSource } from './file-source.ts';
import { RenderError } from './render.ts';

export type FetchOutcome =
  | { readonly kind: 'skipped'; readonly reason: 'source-gone' | 'inactive' | 'tick-taken' }
  | { readonly kind: 'host-busy'; readonly waitMs: number }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'unchanged'; readonly sha256: string }
  | { readonly kind: 'snapshot'; readonly snapshotId: number; readonly sha256: string }
  | { readonly kind: 'listing'; readonly links: number; readonly newLinks: number }
  | { readonly kind: 'directory'; readonly files: number; readonly changed: number; readonly failed: number }
  | { readonly kind: 'broken'; readonly reason: BrokenReason; readonly detail: string };

export interface FetchRun {
  /** Scheduled time (ms) of a scheduled fetch; null for on-demand and link fetches. */
  readonly scheduledAt: number | null;
  readonly jobId: string;
  readonly signal?: AbortSignal;
}

interface Got {
  readonly status: number;
  readonly bytes: Uint8Array;
  readonly contentType: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
  /** Rendered pages: sha256 of the raw body the plain GET returned (null when it failed). */
  readonly rawSha256?: string | null;
  /** Rendered pages: the plain GET returned the raw bytes of the last rendered snapshot. */
  readonly rawUnchanged?: boolean;
}

/** Fetches what `payload` names. @throws FetchError | RenderError | InputError when fetching fails. */
export async function fetchSource(ctx: WorkerContext, payload: Payload<'fetch'>, run: FetchRun): Promise<FetchOutcome> {
  const source = await findSource(ctx.db, payload.sourceId);
  if (!source) return { kind: 'skipped', reason: 'source-gone' };
  if (!source.active) return { kind: 'skipped', reason: 'inactive' };
  if (run.scheduledAt !== null && payload.url === undefined) {
    // Ticks of the source's period: two jobs of one tick (two workers re-creating a lost
    // scheduler at once) fetch once.
    const tick = Math.floor(run.scheduledAt / (source.everySeconds * 1000));
    if (!(await claimTick(ctx.db, source.id, tick, run.jobId))) return { kind: 'skipped', reason: 'tick-taken' };
  }
  if (source.kind === 'file') return fetchFiles(ctx, source, new Date());
  const url = payload.url ?? source.location;
  const own = payload.url === undefined;
  const waitMs = await takeHostSlot(ctx.redis, ctx.config.queuePrefix, new URL(url).host, ctx.config.hostIntervalMs);
  if (waitMs > 0) return { kind: 'host-busy', waitMs };

  const at = new Date();
  let got: Got;
  try {
    got = await get(ctx, source, url, own, run.signal);
  } catch (err) {
    const status = err instanceof FetchError || err instanceof RenderError ? err.status : null;
    if (status !== null && detectBlock(status, '') !== null) return broken(ctx, source, 'blocked', (err as Error).message, at);
    if (own) await failed(ctx, source, status, err, at);
    throw err;
  }
  if (got.status === NOT_MODIFIED) {
    await succeeded(ctx, source, { status: got.status, etag: got.etag, lastModified: got.lastModified, at });
    return { kind: 'not-modified' };
  }
  if (got.rawUnchanged) {
    await succeeded(ctx, source, { status: got.status, etag: got.etag, lastModified: got.lastModified, at });
    return { kind: 'unchanged', sha256: got.rawSha256! };
  }
  let decoded;
  try {
    decoded = decodeBytes(got.bytes, { contentType: got.contentType ?? undefined, maxBytes: ctx.config.fetchMaxBytes });
  } catch (err) {
    // Text in no charset that reads cleanly is mojibake at the source (or a wrong declaration).
    if (err instanceof InputError && err.problem === 'encoding') return broken(ctx, source, 'mojibake', `${url}: ${err.message}`, at);
    throw err;
  }
  const blocked = detectBlock(got.status, decoded.text);
  if (blocked) return broken(ctx, source, 'blocked', blocked, at);
  const mojibake = detectMojibake(decoded.text);
  if (mojibake) return broken(ctx, source, 'mojibake', `${url}: ${mojibake} (decoded as ${decoded.charset})`, at);
  const validators = own ? { etag: got.etag, lastModified: got.lastModified, rawSha256: got.rawSha256 ?? null } : {};

  if (own && source.kind === 'listing' && source.linksSelector) {
    const { matched, links } = extractLinks(decoded.text, url, source.linksSelector);
    if (matched === 0) return broken(ctx, source, 'selector', `"${source.linksSelector}" matches nothing on ${url}`, at);
    const fresh = await rememberLinks(ctx.db, source.id, links);
    for (const link of fresh) await enqueue(ctx.queues, 'fetch', { sourceId: source.id, url: link }, jobIds.fetchLink(source.id, link));
    await succeeded(ctx, source, { status: got.status, ...validators, at });
    return { kind: 'listing', links: links.length, newLinks: fresh.length };
  }

  const sha256 = bytesHash(got.bytes);
  if (own && sha256 === source.lastSha256) {
    await succeeded(ctx, source, { status: got.status, ...validators, at });
    return { kind: 'unchanged', sha256 };
  }
  const snap = await recordSnapshot(ctx.db, { location: url, bytes: got.bytes, contentType: got.contentType, charset: decoded.charset, fetchedAt: at, sourceId: source.id });
  await enqueue(ctx.queues, 'ingest', { snapshotId: snap.id }, jobIds.ingest(snap.sha256));
  await succeeded(ctx, source, { status: got.status, ...validators, sha256: own ? sha256 : null, at });
  return { kind: 'snapshot', snapshotId: snap.id, sha256 };
}

async function get(ctx: WorkerContext, source: Source, url: string, own: boolean, signal?: AbortSignal): Promise<Got> {
  const { fetchTimeoutMs: timeoutMs, fetchMaxBytes: maxBytes } = ctx.config;
  const conditional = own ? { etag: source.etag, lastModified: source.lastModified } : {};
  if (source.render) {
    // A plain conditional GET first: when the server says 304, or sends the raw bytes we
    // rendered last time, the page has not changed and Chromium is not needed.
    let raw: Got | null = null;
    if (own) {
      try {
        raw = await fetchPage(url, { timeoutMs, maxBytes, ...conditional, ...(signal ? { signal } : {}) });
      } catch (err) {
        // An HTTP error status may be a site that turns away plain clients: let the browser try.
        // Anything else (timeout, refused, too large) would fail the same way in the browser.
        if (!(err instanceof FetchError) || err.status === null) throw err;
      }
      if (raw?.status === NOT_MODIFIED) return raw;
    }
    const rawSha256 = raw ? bytesHash(raw.bytes) : null;
    const validators = { etag: raw?.etag ?? null, lastModified: raw?.lastModified ?? null, rawSha256 };
    if (rawSha256 !== null && rawSha256 === source.lastRawSha256) {
      return { status: raw!.status, bytes: new Uint8Array(0), contentType: raw!.contentType, ...validators, rawUnchanged: true };
    }
    const page = await ctx.browser.render(url, { waitFor: source.waitFor, timeoutMs });
    const bytes = new TextEncoder().encode(page.html);
    if (bytes.byteLength > maxBytes) throw new FetchError(url, `rendered page is over the ${maxBytes}-byte limit`, page.status);
    return { status: page.status, bytes, contentType: 'text/html; charset=utf-8', ...validators };
  }
  return fetchPage(url, { timeoutMs, maxBytes, ...conditional, ...(signal ? { signal } : {}) });
}

/** A file or directory source: read from disk, with the same health bookkeeping as a page. */
async function fetchFiles(ctx: WorkerContext, source: Source, at: Date): Promise<FetchOutcome> {
  let out;
  try {
    out = await readFileSource(ctx, source, at);
  } catch (err) {
    await failed(ctx, source, null, err, at);
    throw err;
  }
  if (out.kind === 'mojibake') return broken(ctx, source, 'mojibake', out.detail, at);
  // Status 200 stands for "read"; nothing was asked over HTTP.
  await succeeded(ctx, source, { status: 200, ...(out.kind === 'directory' ? {} : { sha256: out.sha256 }), at });
  return out;
}

/** Counts a failed fetch of the source's own page; `source-broken` once it keeps failing. */
async function failed(ctx: WorkerContext, source: Source, status: number | null, err: unknown, at: Date): Promise<void> {
  const detail = (err as Error).message;
  const failures = await markFailed(ctx.db, source.id, status, detail, at);
  if (failures >= ctx.config.brokenAfter) {
    await markBroken(ctx.db, source.id, 'failing', `${failures} failed fetches in a row; last: ${detail}`, health(ctx, at));
  }
}

function health(ctx: WorkerContext, at: Date) {
  return { operators: ctx.config.operators, at };
}

async function succeeded(ctx: WorkerContext, source: Source, f: Parameters<typeof markFetched>[2]): Promise<void> {
  await markFetched(ctx.db, source.id, f);
  if (source.health === 'broken') await markRecovered(ctx.db, source.id, health(ctx, f.at));
}

async function broken(ctx: WorkerContext, source: Source, reason: BrokenReason, detail: string, at: Date): Promise<FetchOutcome> {
  await markBroken(ctx.db, source.id, reason, detail, health(ctx, at));
  return { kind: 'broken', reason, detail };
}
