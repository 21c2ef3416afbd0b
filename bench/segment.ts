/**
 * bench/segment: throughput of the pure pipeline over the seed pages repeated to 10 MB, with peak
 * memory. Three lines, each a superset of the one before:
 *
 * - split + segment + validity (issue 2's figure),
 * - the same + measures (what ingestion runs per document since pipeline/measures.ts),
 * - processText: extract + split + segment + validity + measures (what `segment` and ingestion call).
 *
 * and single stages over whole pages: validity alone, normalizeForCompare (what the comparison
 * and the version check run on every text), findDocNumbers and findCitations (what the citations
 * run on every recorded text).
 *
 *   npx tsx bench/segment.ts [--mb 10] [--passes 5] [--warmup-mb 4]
 *
 * Each line is warmed up first (several MB, so that the JIT has optimised every hot path, not only
 * seen it once), then timed over `--passes` passes of `--mb` MB; it prints the median pass and the
 * spread (min … max). Wall-clock MB/s depends on what else the machine runs; CPU MB/s (user + system
 * time of this process, GC threads included) is the figure to compare across loaded runs. The load
 * average is printed at the start and the end.
 */
import { loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findCitations } from '../pipeline/citations.ts';
import { findDocNumbers } from '../pipeline/docnumber.ts';
import { processText } from '../pipeline/index.ts';
import { extractMeasures } from '../pipeline/measures.ts';
import { joinBrokenLines, normalizeForCompare } from '../pipeline/normalize.ts';
import { segmentDocument } from '../pipeline/segment.ts';
import { splitPage } from '../pipeline/split.ts';
import { analyseValidity } from '../pipeline/validity.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const targetMb = arg('--mb', 10);
const passes = Math.max(1, arg('--passes', 5));
const warmupMb = arg('--warmup-mb', 4);

const seedsDir = join(import.meta.dirname, '..', 'seeds');
const pages = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .map((f) => readFileSync(join(seedsDir, f), 'utf8'));
const pageBytes = pages.map((p) => Buffer.byteLength(p, 'utf8'));
const MB = 1024 * 1024;

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 5);

/** Runs `fn` over the pages in turn until `mb` MB went through; returns bytes, documents, wall and CPU ms. */
function pass(fn: (page: string) => number, mb: number): { bytes: number; docs: number; wallMs: number; cpuMs: number } {
  let bytes = 0;
  let docs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; bytes < mb * MB; i++) {
    const k = i % pages.length;
    docs += fn(pages[k]!);
    bytes += pageBytes[k]!;
    if (i % 50 === 0) sample();
  }
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { bytes, docs, wallMs, cpuMs: (c.user + c.system) / 1000 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function run(label: string, fn: (page: string) => number, unit = 'documents'): void {
  pass(fn, warmupMb);
  const wall: number[] = [];
  const cpu: number[] = [];
  let docs = 0;
  let bytes = 0;
  for (let r = 0; r < passes; r++) {
    const p = pass(fn, targetMb);
    bytes = p.bytes;
    docs = p.docs;
    wall.push(p.bytes / MB / (p.wallMs / 1000));
    cpu.push(p.bytes / MB / (p.cpuMs / 1000));
  }
  const f = (x: number) => x.toFixed(1);
  console.log(
    `${label.padEnd(62)} wall ${f(median(wall))} MB/s (${f(Math.min(...wall))} … ${f(Math.max(...wall))})` +
      `   CPU ${f(median(cpu))} MB/s (${f(Math.min(...cpu))} … ${f(Math.max(...cpu))})   ${(bytes / MB).toFixed(1)} MB, ${docs} ${unit} per pass`,
  );
}

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(
  `node ${process.version}, ${pages.length} seed pages (${(pageBytes.reduce((a, b) => a + b, 0) / 1024).toFixed(0)} KB), ` +
    `${passes} passes of ${targetMb} MB after ${warmupMb} MB of warm-up; load average ${load()}`,
);

/** The stages as processText runs them on text that needs no extraction. */
function stages(page: string, measures: boolean): number {
  let n = 0;
  for (const seg of splitPage(page)) {
    const d = segmentDocument(seg, joinBrokenLines);
    if (d.kind === 'policy') {
      const v = analyseValidity({ text: d.text, signedOn: d.signedOn, provisions: d.provisions });
      if (measures) extractMeasures(d.provisions, { effective: v.effective, expires: v.expires, signedOn: d.signedOn });
    }
    n++;
  }
  return n;
}

run('split + segment + validity', (page) => stages(page, false));
run('split + segment + validity + measures', (page) => stages(page, true));
run('processText (extract + split + segment + validity + measures)', (page) => processText(page, { fileName: 'page.txt' }).documents.length);
// One stage over each whole page: one page per call.
const perPage = (stage: (page: string) => unknown) => (page: string) => {
  stage(page);
  return 1;
};
run('validity alone (whole pages)', perPage((page) => analyseValidity({ text: page, signedOn: '2025-01-01' })), 'pages');
run('normalizeForCompare (whole pages)', perPage(normalizeForCompare), 'pages');
// What linkCitations runs on every recorded text (migration 0024), and the number finder in it.
run('findDocNumbers (whole pages)', perPage(findDocNumbers), 'pages');
run('findCitations (whole pages)', perPage((page) => findCitations(page, { title: '', docNumber: null })), 'pages');
clearInterval(sampler);
sample();
console.log(`peak RSS ${(peakRss / MB).toFixed(0)} MB, peak heap ${(peakHeap / MB).toFixed(0)} MB; load average ${load()}`);
