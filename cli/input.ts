/**
 * Reading input files for the commands: one place that turns file-system trouble into
 * one-line {@link InputError}s.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { InputError } from '../pipeline/errors.ts';

/** Default largest file a command reads (policy pages are KBs; a 20 MiB "page" is a mistake). */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/**
 * Read a whole file as bytes.
 * @throws InputError 'not-found' when missing or a directory, 'empty' when empty,
 *   'too-large' when over `maxBytes`.
 */
export async function readInputFile(path: string, maxBytes = DEFAULT_MAX_BYTES): Promise<Uint8Array> {
  if (path === '-') return readStream(process.stdin, 'standard input', maxBytes);
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw new InputError('not-found', `${path} is a directory, not a file`);
    // A pipe (`<(curl …)`, /dev/stdin) has no size until it is read.
    if (!st.isFile()) return await readStream(createReadStream(path), path, maxBytes);
    size = st.size;
  } catch (rawErr) {
    if (rawErr instanceof InputError) throw rawErr;
    const code = (rawErr as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new InputError('not-found', `${path}: no such file`);
    if (code === 'EACCES') throw new InputError('not-found', `${path}: permission denied`);
    throw new InputError('not-found', `${path}: cannot read (${code ?? String(rawErr)})`, { cause: rawErr });
  }
  if (size === 0) throw new InputError('empty', `${path} is empty`);
  if (size > maxBytes) {
    throw new InputError('too-large', `${path} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit`);
  }
  return new Uint8Array(await readFile(path));
}

async function readStream(stream: Readable, name: string, maxBytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    total += b.length;
    if (total > maxBytes) {
      stream.destroy();
      throw new InputError('too-large', `${name} is over the ${formatBytes(maxBytes)} limit`);
    }
    chunks.push(b);
  }
  if (total === 0) throw new InputError('empty', `${name} is empty`);
  return new Uint8Array(Buffer.concat(chunks));
}

/** `1536` → `1.5 KiB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/** Run `fn`, prefixing the message of an {@link InputError} it throws with the file it is about. */
export function withFileName<T>(path: string, fn: () => T): T {
  try {
    return fn();
  } catch (rawErr) {
    if (rawErr instanceof InputError && !rawErr.message.includes(path)) {
      throw new InputError(rawErr.problem, `${path}: ${rawErr.message}`, { cause: rawErr });
    }
    throw rawErr;
  }
}
