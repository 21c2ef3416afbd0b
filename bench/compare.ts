/**
 * bench/compare: time compareProvisions on a pair of about 150 articles / 60 KB with 20
 * scattered changes (edits, insertions, deletions, cross-reference edits), next to jsdiff's
 * whole-text diffChars of the same pair, in the same run. Medians of many runs.
 *
 *   npx tsx bench/compare.ts [--runs 50]
 *
 * The articles are real: taken in order from the new versions of the laws in
 * ../shared/corpus/real (and the seed policies when the corpus is missing).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffChars } from 'diff';
import { compareProvisions } from '../pipeline/compare.ts';
import { processText } from '../pipeline/index.ts';
import { toChineseNumber } from '../pipeline/numerals.ts';
import type { Provision } from '../pipeline/types.ts';

const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 50;
const TARGET_ARTICLES = 150;
const TARGET_BYTES = 60 * 1024;

const corpus = '/work/shared/corpus/real';
const seeds = join(import.meta.dirname, '..', 'seeds');
const files = existsSync(corpus)
  ? readdirSync(corpus).filter((d) => existsSync(join(corpus, d, 'new.md'))).map((d) => join(corpus, d, 'new.md'))
  : readdirSync(seeds).filter((f) => f.endsWith('.txt')).map((f) => join(seeds, f));

// Article texts (with their items), long ones first from each law until ~150 articles / 60 KB.
const texts: string[] = [];
let bytes = 0;
outer: for (const f of files) {
  for (const d of processText(readFileSync(f, 'utf8'), { fileName: f }).documents) {
    const ps = d.provisions;
    for (let i = 0; i < ps.length; i++) {
      if (ps[i]!.level !== 'article') continue;
      const parts = [ps[i]!.text];
      for (let j = i + 1; j < ps.length && ps[j]!.path.startsWith(`${ps[i]!.path}/`); j++) parts.push(`${ps[j]!.label}${ps[j]!.text}`);
      const t = parts.join('\n');
      if (t.length < 60) continue; // short articles make a lighter page than a real one
      texts.push(t);
      bytes += Buffer.byteLength(t, 'utf8');
      if (texts.length >= TARGET_ARTICLES && bytes >= TARGET_BYTES) break outer;
      if (texts.length >= TARGET_ARTICLES * 1.2) break outer;
    }
  }
}

const articles = (ts: readonly string[]): Provision[] =>
  ts.map((text, i) => {
    const label = `第${toChineseNumber(i + 1)}条`;
    return { path: label, label, level: 'article', text, heading: null };
  });

// 20 scattered changes: 12 word edits, 2 cross-reference edits, 3 insertions, 3 deletions.
const next = [...texts];
const n = texts.length;
const at = (k: number) => Math.floor(((k + 0.5) * n) / 20);
for (let k = 0; k < 12; k++) {
  const i = at(k);
  const t = next[i]!;
  const mid = Math.floor(t.length / 2);
  next[i] = `${t.slice(0, mid)}（按照国家有关规定执行）${t.slice(mid + 3)}`;
}
for (let k = 12; k < 14; k++) next[at(k)] = `依照本法第${toChineseNumber(k)}条的规定，${next[at(k)]!}`;
const deleted = new Set([at(14), at(16), at(18)]);
const inserted = new Map([
  [at(15), '国家建立健全相关工作协调机制，统筹推进有关工作，及时研究解决重大问题。'],
  [at(17), '有关部门应当加强信息共享，推动数据互联互通，提高监督管理效能。'],
  [at(19), '本法所称有关部门，是指县级以上人民政府负责相关工作的部门。'],
]);
const revised: string[] = [];
next.forEach((t, i) => {
  const ins = inserted.get(i);
  if (ins) revised.push(ins);
  if (!deleted.has(i)) revised.push(t);
});

const oldProvisions = articles(texts);
const newProvisions = articles(revised);
const whole = (ps: readonly Provision[]) => ps.map((p) => `${p.label} ${p.text}`).join('\n');
const oldText = whole(oldProvisions);
const newText = whole(newProvisions);

function median(fn: () => unknown, runs: number): number {
  for (let i = 0; i < Math.min(5, runs); i++) fn(); // warm-up
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)]!;
}

const result = compareProvisions(oldProvisions, newProvisions);
const tCompare = median(() => compareProvisions(oldProvisions, newProvisions), RUNS);
const tChars = median(() => diffChars(oldText, newText), Math.max(5, Math.floor(RUNS / 5)));

const kb = (s: string) => (Buffer.byteLength(s, 'utf8') / 1024).toFixed(1);
console.log(`pair: ${oldProvisions.length} → ${newProvisions.length} articles, ${kb(oldText)} KB / ${kb(newText)} KB (${oldText.length} / ${newText.length} chars)`);
console.log(`changes found: ${JSON.stringify(result.summary)}`);
console.log(`compareProvisions        median ${tCompare.toFixed(2)} ms  (${RUNS} runs)`);
console.log(`diffChars (whole texts)  median ${tChars.toFixed(2)} ms  (${Math.max(5, Math.floor(RUNS / 5))} runs)`);
console.log(`ratio diffChars / compare: ${(tChars / tCompare).toFixed(1)}×  ·  target < 20 ms: ${tCompare < 20 ? 'met' : 'NOT met'}`);
