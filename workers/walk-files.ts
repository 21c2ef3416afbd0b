/**
 * The files a directory holds, as `ingest <dir>` and a directory source read them. Kept apart
 * from the workers' heavier modules so that the CLI's ingest loads only this.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** Skipped when walking a directory: hidden files and a folder's own README (the index of seeds/, say). */
function isSkippedName(name: string): boolean {
  return name.startsWith('.') || /^readme(\.[a-z]+)?$/i.test(name);
}

/** Files under `dir`, sorted by name, subfolders walked, hidden files and READMEs skipped. */
export async function walkFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (isSkippedName(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walkFiles(p)));
    else if (e.isFile()) out.push(p);
  }
  return out;
}
