/** Test helpers for compare: read a fixture or corpus file through the pure pipeline. */
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CompareResult, compareDocuments, compareProvisions, type ProvisionChange } from '../../pipeline/compare.ts';
import { processText } from '../../pipeline/index.ts';
import type { PolicyDocument } from '../../pipeline/types.ts';

export const REVISIONS = join(import.meta.dirname, '..', 'fixtures', 'revisions');
export const CORPUS = fileURLToPath(new URL('../../../shared/corpus/real', import.meta.url));

/** The policy documents of one file. */
export function documentsOf(path: string): PolicyDocument[] {
  return processText(readFileSync(path, 'utf8'), { fileName: path }).documents.filter((d) => d.kind === 'policy');
}

/** Compare two files holding one document each (the first policy of each). */
export function compareFiles(oldPath: string, newPath: string): CompareResult {
  const [o] = documentsOf(oldPath);
  const [n] = documentsOf(newPath);
  return compareProvisions(o!.provisions, n!.provisions);
}

/** Compare two files document by document. */
export function compareAll(oldPath: string, newPath: string) {
  return compareDocuments(documentsOf(oldPath), documentsOf(newPath));
}

/** `[op, old, new]` of each change: the shape the tests assert on. */
export function ops(changes: readonly ProvisionChange[]): Array<[string, string | null, string | null]> {
  return changes.map((c) => [c.op, c.old, c.new]);
}

/** The changed spans of a diff, `-x` for deletions and `+y` for insertions. */
export function edits(c: ProvisionChange): string[] {
  return c.diff.filter((s) => s.op !== 'equal').map((s) => `${s.op === 'delete' ? '-' : '+'}${s.text}`);
}
