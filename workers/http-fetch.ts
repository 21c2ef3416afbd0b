/**
 * One plain HTTP GET of a page, with a timeout, a redirect limit and a size limit (undici).
 * Used by `ingest <url>`; the scheduled fetcher of the workers builds on it.
 */
import { Agent, interceptors, request } from 'undici';

/** Fetching failed for a reason the user can act on; `message` is one line. */
export class FetchError extends Error {
  readonly url: string;
  readonly status: number | null;
  constructor(url: string, message: string, status: number | null = null, options?: { cause?: unknown }) {
    super(`${url}: ${message}`, options);
    this.name = this.constructor.name;
    this.url = url;
    this.status = status;
  }
}

export interface FetchedPage {
  readonly url: string;
  readonly status: number;
  readonly bytes: Uint8Array;
  readonly contentType: string | null;
  readonly etag: string | null;
  readonly lastModified: string | null;
}

export interface FetchOptions {
  readonly timeoutMs?: number;
  readonly maxBytes?: number;
  readonly maxRedirects?: number;
  readonly userAgent?: string;
  readonly signal?: AbortSignal;
  /** Conditional GET: the ETag of the copy we hold (sent as If-None-Match). */
  readonly etag?: string | null;
  /** Conditional GET: the Last-Modified of the copy we hold (sent as If-Modified-Since). */
  readonly lastModified?: string | null;
}

/** User-Agent that names the project, so site operators know who is asking. */
export const USER_AGENT = 'policy-tracker/0.1 (+https://github.com/policy-tracker; policy text monitor)';

const agents = new Map<number, Agent>();
function agentFor(maxRedirects: number): Agent {
  let a = agents.get(maxRedirects);
  if (!a) {
    a = new Agent({ connect: { timeout: 10_000 } }).compose(interceptors.redirect({ maxRedirections: maxRedirects })) as Agent;
    agents.set(maxRedirects, a);
  }
  return a;
}

/** HTTP status of "the copy you hold is current" (conditional GET). */
export const NOT_MODIFIED = 304;

/**
 * GET `url` and return its bytes. With `etag`/`lastModified` the request is conditional: a 304
 * answer returns `status: 304` with no bytes (not an error).
 * @throws FetchError for a bad URL, a network error, a timeout, too many redirects, a non-2xx
 *   status or a body over `maxBytes`.
 */
export async function fetchPage(url: string, options: FetchOptions = {}): Promise<FetchedPage> {
  const { timeoutMs = 30_000, maxBytes = 20 * 1024 * 1024, maxRedirects = 5, userAgent = USER_AGENT } = options;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new FetchError(url, 'not a valid URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new FetchError(url, `unsupported protocol ${parsed.protocol}`);
  const signal = options.signal ? AbortSignal.any([options.signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs);
  const headers: Record<string, string> = { 'user-agent': userAgent, accept: 'text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5' };
  if (options.etag) headers['if-none-match'] = options.etag;
  if (options.lastModified) headers['if-modified-since'] = options.lastModified;
  let res;
  try {
    res = await request(parsed, {
      method: 'GET',
      dispatcher: agentFor(maxRedirects),
      headers,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  } catch (raw) {
    throw new FetchError(url, describeNetworkError(raw), null, { cause: raw });
  }
  const header = (name: string): string | null => {
    const v = res.headers[name];
    return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v;
  };
  if (res.statusCode === NOT_MODIFIED && (options.etag || options.lastModified)) {
    await res.body.dump().catch(() => undefined);
    return { url, status: NOT_MODIFIED, bytes: new Uint8Array(0), contentType: header('content-type'), etag: header('etag') ?? options.etag ?? null, lastModified: header('last-modified') ?? options.lastModified ?? null };
  }
  if (res.statusCode < 200 || res.statusCode >= 300) {
    await res.body.dump().catch(() => undefined);
    throw new FetchError(url, `HTTP ${res.statusCode}`, res.statusCode);
  }
  const declared = Number(header('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await res.body.dump().catch(() => undefined);
    throw new FetchError(url, `body of ${declared} bytes is over the ${maxBytes}-byte limit`, res.statusCode);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of res.body) {
      total += (chunk as Buffer).length;
      if (total > maxBytes) {
        res.body.destroy();
        throw new FetchError(url, `body is over the ${maxBytes}-byte limit`, res.statusCode);
      }
      chunks.push(chunk as Buffer);
    }
  } catch (raw) {
    if (raw instanceof FetchError) throw raw;
    throw new FetchError(url, describeNetworkError(raw), res.statusCode, { cause: raw });
  }
  return {
    url,
    status: res.statusCode,
    bytes: new Uint8Array(Buffer.concat(chunks)),
    contentType: header('content-type'),
    etag: header('etag'),
    lastModified: header('last-modified'),
  };
}

function describeNetworkError(raw: unknown): string {
  const err = raw as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const code = err.code ?? err.cause?.code;
  if (err.name === 'TimeoutError' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') return 'timed out';
  if (err.name === 'AbortError') return 'aborted';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found';
  if (code === 'ECONNRESET') return 'connection reset';
  if (code === 'UND_ERR_CONNECT_TIMEOUT') return 'connect timed out';
  if (/redirect/i.test(err.message ?? '')) return 'too many redirects';
  return err.message ?? String(raw);
}
