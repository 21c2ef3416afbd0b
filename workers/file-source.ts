/**
 * Sources that are local files or directories (`sources add ./path --every 1h`, stored as a
 * file:// URL): a file is read (size limit, charset detected as for HTTP, unchanged bytes end the
 * job early); a directory is walked like `ingest <dir>` does (hidden files and a folder's README
 * skipped) and only new or changed files are read, each stored as a snapshot with its own
 * ingest job. Snapshot locations are absolute paths, as `policy-tracker ingest <file>` records them.
 */
import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesHash } from '../db/identity.ts';
import { recordSnapshot } from '../db/snapshot.repository.ts';
import { knownFiles, rememberFile, type Source } from '../db/source.repository.ts';
import { decodeBytes, type Decoded } from '../pipeline/decode.ts';
import { InputError } from '../pipeline/errors.ts';
import type { WorkerContext } from './context.ts';
import { FetchError } from './http-fetch.ts';
import { detectMojibake } from './page-check.ts';
import { enqueue, jobIds } from './queues.ts';
import { walkFiles } from './walk-files.ts';

/** What reading a file or directory source came to. */
export type FileOutcome =
  | { readonly kind: 'unchanged'; readonly sha256: string }
  | { readonly kind: 'snapshot'; readonly snapshotId: number; readonly sha256: string }
  | { readonly kind: 'directory'; readonly files: number; readonly changed: number; readonly failed: number }
  | { readonly kind: 'mojibake'; readonly detail: string };

/** Content type told by the file name, for the snapshot (the pipeline also reads the name). */
export function contentTypeOfPath(path: string): string | null {
  const ext = extname(path).toLowerCase();
  if (ext === '.html' || ext === '.htm' || ext === '.shtml' || ext === '.xhtml') return 'text/html';
  if (ext === '.txt' || ext === '.text') return 'text/plain';
  return null;
}

/** The path a file source names. @throws FetchError when the location is not a file:// URL. */
export function pathOfSource(source: Pick<Source, 'location'>): string {
  try {
    return fileURLToPath(source.location);
  } catch {
    throw new FetchError(source.location, 'not a file:// URL');
  }
}

interface FileStat {
  readonly size: number;
  readonly mtimeMs: number;
}

/**
 * Reads a whole file, refusing it past `maxBytes` (checked before reading, and again while
 * reading, in case it grows).
 * @throws FetchError: missing or unreadable (worth retrying: it may appear), empty, or over the limit (permanent).
 */
export async function readLimited(path: string, url: string, maxBytes: number): Promise<{ bytes: Uint8Array; stat: FileStat }> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (raw) {
    throw new FetchError(url, describeFsError(raw), null, { cause: raw });
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new FetchError(url, 'not a regular file');
    if (st.size > maxBytes) throw new FetchError(url, `file of ${st.size} bytes is over the ${maxBytes}-byte limit`);
    const buf = Buffer.alloc(Math.min(st.size, maxBytes) + 1);
    let total = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buf, total, buf.length - total, total);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw new FetchError(url, `file is over the ${maxBytes}-byte limit`);
      if (total === buf.length) break;
    }
    if (total === 0) throw new FetchError(url, 'file is empty');
    return { bytes: new Uint8Array(buf.buffer, buf.byteOffset, total), stat: { size: st.size, mtimeMs: st.mtimeMs } };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function describeFsError(raw: unknown): string {
  const code = (raw as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (raw as Error).message ?? String(raw);
}

/** Decodes as the HTTP path does. @returns the decoded text, or a reason it is not text we can read. */
function decode(bytes: Uint8Array, path: string, maxBytes: number): Decoded | { readonly problem: string } {
  const contentType = contentTypeOfPath(path);
  try {
    const decoded = decodeBytes(bytes, { ...(contentType ? { contentType } : {}), maxBytes });
    const mojibake = detectMojibake(decoded.text);
    return mojibake ? { problem: `${mojibake} (decoded as ${decoded.charset})` } : decoded;
  } catch (err) {
    if (err instanceof InputError && (err.problem === 'encoding' || err.problem === 'binary')) return { problem: err.message };
    throw err;
  }
}

async function store(ctx: WorkerContext, source: Source, path: string, bytes: Uint8Array, charset: string, at: Date): Promise<{ id: number; sha256: string }> {
  const snap = await recordSnapshot(ctx.db, { location: path, bytes, contentType: contentTypeOfPath(path), charset, fetchedAt: at, sourceId: source.id });
  await enqueue(ctx.queues, 'ingest', { snapshotId: snap.id }, jobIds.ingest(snap.sha256));
  return snap;
}

/**
 * Reads a file or directory source.
 * @throws FetchError when the path is missing or unreadable, or (a file) empty or over the size limit.
 */
export async function readFileSource(ctx: WorkerContext, source: Source, at: Date): Promise<FileOutcome> {
  const root = pathOfSource(source);
  const maxBytes = ctx.config.fetchMaxBytes;
  let st;
  try {
    st = await stat(root);
  } catch (raw) {
    throw new FetchError(source.location, describeFsError(raw), null, { cause: raw });
  }
  if (!st.isDirectory()) {
    const { bytes } = await readLimited(root, source.location, maxBytes);
    const sha256 = bytesHash(bytes);
    if (sha256 === source.lastSha256) return { kind: 'unchanged', sha256 };
    const decoded = decode(bytes, root, maxBytes);
    if ('problem' in decoded) return { kind: 'mojibake', detail: `${root}: ${decoded.problem}` };
    const snap = await store(ctx, source, root, bytes, decoded.charset, at);
    return { kind: 'snapshot', snapshotId: snap.id, sha256 };
  }

  let files: string[];
  try {
    files = await walkFiles(root);
  } catch (raw) {
    throw new FetchError(source.location, describeFsError(raw), null, { cause: raw });
  }
  const known = await knownFiles(ctx.db, source.id);
  let changed = 0;
  let failed = 0;
  for (const path of files) {
    try {
      const k = known.get(path);
      const s = await stat(path);
      if (k && k.size === s.size && k.mtimeMs === s.mtimeMs) continue;
      const { bytes, stat: now } = await readLimited(path, path, maxBytes);
      const sha256 = bytesHash(bytes);
      if (k?.sha256 !== sha256) {
        const decoded = decode(bytes, path, maxBytes);
        if ('problem' in decoded) throw new FetchError(path, decoded.problem);
        await store(ctx, source, path, bytes, decoded.charset, at);
        changed++;
      }
      await rememberFile(ctx.db, source.id, path, { size: now.size, mtimeMs: now.mtimeMs, sha256 });
    } catch (err) {
      if (!(err instanceof FetchError)) throw err;
      // One bad file does not stop the others; it is tried again next tick.
      failed++;
      ctx.logger.warn({ queue: 'fetch', sourceId: source.id, file: path, err: err.message }, 'file of a directory source skipped');
    }
  }
  return { kind: 'directory', files: files.length, changed, failed };
}
