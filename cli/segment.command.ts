/** `policy-tracker segment <file> [--json]`: pure, prints the documents found in one file. */
import type { Command } from 'commander';
import { processBytes } from '../pipeline/index.ts';
import type { PolicyDocument } from '../pipeline/types.ts';
import { DEFAULT_MAX_BYTES, readInputFile, withFileName } from './input.ts';

export function registerSegment(program: Command): void {
  program
    .command('segment')
    .description('split a page into its documents and provisions (pure: no database)')
    .argument('<file>', 'a .txt, .md or .html file (- for standard input)')
    .option('--json', 'print the JSON contract instead of an outline')
    .option('--max-size <bytes>', 'largest file accepted', (v) => Number.parseInt(v, 10), DEFAULT_MAX_BYTES)
    .action(async (file: string, opts: { json?: boolean; maxSize: number }) => {
      const bytes = await readInputFile(file, opts.maxSize);
      const page = withFileName(file, () => processBytes(bytes, { fileName: file, maxBytes: opts.maxSize }));
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ documents: page.documents.map(toJson) }, null, 2)}\n`);
      } else {
        process.stdout.write(outline(page.documents));
      }
    });
}

/** The `segment --json` shape: contract fields first, extensions after. */
export function toJson(d: PolicyDocument): Record<string, unknown> {
  return {
    title: d.title,
    docNumber: d.docNumber,
    issuers: d.issuers,
    signedOn: d.signedOn,
    kind: d.kind,
    provisions: d.provisions.map((p) => ({ path: p.path, label: p.label, level: p.level, text: p.text, heading: p.heading })),
    validity: d.validity,
    measures: d.measures,
    docNumberRaw: d.docNumberRaw,
    publishedOn: d.publishedOn,
    notice: d.notice,
    text: d.text,
  };
}

const INDENT: Record<string, number> = { preamble: 0, part: 0, chapter: 0, section: 1, article: 1, item: 2, subitem: 3, point: 4, closing: 0 };

function clip(s: string, n: number): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length > n ? `${one.slice(0, n)}…` : one;
}

/** A readable outline of the documents, one provision a line. */
export function outline(docs: readonly PolicyDocument[]): string {
  if (docs.length === 0) return 'No document found.\n';
  const out: string[] = [];
  docs.forEach((d, i) => {
    out.push(`[${i + 1}] ${d.kind === 'news' ? '新闻' : '政策'}  ${d.title}`);
    const meta: string[] = [];
    if (d.docNumber) meta.push(`文号 ${d.docNumber}${d.docNumberRaw ? `（原文作 ${d.docNumberRaw}）` : ''}`);
    if (d.issuers.length > 0) meta.push(`发文机关 ${d.issuers.join('、')}`);
    if (d.signedOn) meta.push(`成文日期 ${d.signedOn}`);
    if (d.publishedOn) meta.push(`发布日期 ${d.publishedOn}`);
    if (meta.length > 0) out.push(`    ${meta.join(' · ')}`);
    if (d.kind === 'policy') {
      const v = d.validity;
      out.push(`    施行 ${v.effective ?? '未知'} · 失效 ${v.expires ?? '未知'}${v.basis ? ` — ${clip(v.basis, 60)}` : ''}`);
      for (const r of v.repeals) out.push(`    废止 ${r.title ? `《${r.title}》` : ''}${r.docNumber ? `（${r.docNumber}）` : ''}`);
      if (d.notice) out.push(`    印发通知 ${clip(d.notice.title, 60)}`);
      out.push(`    条款 ${d.provisions.filter((p) => p.level !== 'preamble' && p.level !== 'closing').length} 项`);
      for (const p of d.provisions) {
        const pad = '  '.repeat(2 + (INDENT[p.level] ?? 0));
        const label = p.level === 'preamble' || p.level === 'closing' ? `[${p.label}]` : p.label;
        const head = p.heading ? `${p.heading}${p.text ? '  ' : ''}` : '';
        out.push(`${pad}${label}  ${head}${clip(p.text, 50)}`);
      }
    } else {
      out.push(`    ${clip(d.text, 120)}`);
    }
    out.push('');
  });
  return `${out.join('\n')}\n`;
}
