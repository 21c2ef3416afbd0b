/**
 * bench/segment: throughput of the pure pipeline (split + segment + validity, and the whole
 * processText with extraction) over the seed pages repeated to 10 MB, with peak memory.
 *
 *   npx tsx bench/segment.ts [--mb 10]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processText } from '../pipeline/index.ts';
import { joinBrokenLines } from '../pipeline/normalize.ts';
import { segmentDocument } from '../pipeline/segment.ts';
import { splitPage } from '../pipeline/split.ts';
import { analyseValidity } from '../pipeline/validity.ts';

const argMb = process.argv.indexOf('--mb');
const targetMb = argMb > 0 ? Number(process.argv[argMb + 1]) : 10;
const seedsDir = join(import.meta.dirname, '..', 'seeds');
const pages = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.txt'))
  .map((f) => readFileSync(join(seedsDir, f), 'utf8'));
const pageBytes = pages.map((p) => Buffer.byteLength(p, 'utf8'));
const target = targetMb * 1024 * 1024;

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 5);

function run(label: string, fn: (page: string) => number): void {
  // Warm up so the JIT has seen every path.
  for (const p of pages) fn(p);
  let bytes = 0;
  let docs = 0;
  const t0 = performance.now();
  for (let i = 0; bytes < target; i++) {
    const k = i % pages.length;
    docs += fn(pages[k]!);
    bytes += pageBytes[k]!;
    if (i % 50 === 0) sample();
  }
  const ms = performance.now() - t0;
  const mbps = bytes / 1024 / 1024 / (ms / 1000);
  console.log(`${label.padEnd(42)} ${(bytes / 1024 / 1024).toFixed(1)} MB in ${ms.toFixed(0)} ms  →  ${mbps.toFixed(1)} MB/s  (${docs} documents)`);
}

console.log(`node ${process.version}, ${pages.length} seed pages (${(pageBytes.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} KB), repeated to ${targetMb} MB`);
run('split + segment + validity', (page) => {
  let n = 0;
  for (const seg of splitPage(page)) {
    const d = segmentDocument(seg, joinBrokenLines);
    if (d.kind === 'policy') analyseValidity({ text: d.text, signedOn: d.signedOn, provisions: d.provisions });
    n++;
  }
  return n;
});
run('processText (extract + split + segment + validity)', (page) => processText(page, { fileName: 'page.txt' }).documents.length);
clearInterval(sampler);
sample();
console.log(`peak RSS ${(peakRss / 1024 / 1024).toFixed(0)} MB, peak heap ${(peakHeap / 1024 / 1024).toFixed(0)} MB`);
