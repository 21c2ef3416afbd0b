/**
 * Fetching one source (or one page linked from a listing source): conditional GET or a
 * rendered page, politeness per host, block/mojibake/selector checks, snapshot of the raw bytes,
 * then an ingest job — or, for a listing, one fetch job per new link. Health bookkeeping on the
 * source. Every ordinary result is a {@link FetchOutcome}; failures throw (mapped to retry or
 * give-up by the fetch worker).
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
import { RenderError } from './render.ts';

export type FetchOutcome =
  | { readonly kind: 'skipped'; readonly reason: 'source-gone' | 'inactive' | 'tick-taken' }
  | { readonly kind: 'host-busy'; readonly waitMs: number }
  | { readonly kind: 'not-modified' }
  | { readonly kind: 'unchanged'; readonly sha256: string }
  | { readonly kind: 'snapshot'; readonly snapshotId: number; readonly sha256: string }
  | { readonly kind: 'listing'; readonly links: number; readonly newLinks: number }
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
    const detail = (err as Error).message;
    if (status !== null && detectBlock(status, '') !== null) return broken(ctx, source, 'blocked', detail, at);
    if (own) {
      const failures = await markFailed(ctx.db, source.id, status, detail, at);
      if (failures >= ctx.config.brokenAfter) {
        await markBroken(ctx.db, source.id, 'failing', `${failures} failed fetches in a row; last: ${detail}`, health(ctx, at));
      }
    }
    throw err;
  }
  if (got.status === NOT_MODIFIED) {
    await succeeded(ctx, source, { status: got.status, etag: got.etag, lastModified: got.lastModified, at });
    return { kind: 'not-modified' };
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
  const validators = own ? { etag: got.etag, lastModified: got.lastModified } : {};

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
  if (source.render) {
    const page = await ctx.browser.render(url, { waitFor: source.waitFor, timeoutMs });
    const bytes = new TextEncoder().encode(page.html);
    if (bytes.byteLength > maxBytes) throw new FetchError(url, `rendered page is over the ${maxBytes}-byte limit`, page.status);
    return { status: page.status, bytes, contentType: 'text/html; charset=utf-8', etag: null, lastModified: null };
  }
  const conditional = own ? { etag: source.etag, lastModified: source.lastModified } : {};
  return fetchPage(url, { timeoutMs, maxBytes, ...conditional, ...(signal ? { signal } : {}) });
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
