/** `policy-tracker compare <old> <new> [--json]`: pure, prints the changes between two versions. */
import type { Command } from 'commander';
import type { CompareSummary, DocumentComparison, ProvisionChange } from '../pipeline/compare.ts';
import { compareDocuments } from '../pipeline/compare.ts';
import { processBytes } from '../pipeline/index.ts';
import { DEFAULT_MAX_BYTES, readInputFile } from './input.ts';

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description('compare two versions of a document provision by provision (pure: no database)')
    .argument('<old>', 'the earlier version: a .txt, .md or .html file')
    .argument('<new>', 'the later version')
    .option('--json', 'print the JSON contract instead of a report')
    .option('--max-size <bytes>', 'largest file accepted', (v) => Number.parseInt(v, 10), DEFAULT_MAX_BYTES)
    .action(async (oldFile: string, newFile: string, opts: { json?: boolean; maxSize: number }) => {
      const [oldBytes, newBytes] = await Promise.all([readInputFile(oldFile, opts.maxSize), readInputFile(newFile, opts.maxSize)]);
      const oldPage = processBytes(oldBytes, { fileName: oldFile, maxBytes: opts.maxSize });
      const newPage = processBytes(newBytes, { fileName: newFile, maxBytes: opts.maxSize });
      const result = compareDocuments(oldPage.documents, newPage.documents);
      if (opts.json) process.stdout.write(`${JSON.stringify(compareJson(result), null, 2)}\n`);
      else process.stdout.write(compareReport(result, { color: process.stdout.isTTY === true }));
    });
}

const ZERO: CompareSummary = { modified: 0, added: 0, deleted: 0, renumbered: 0, unchanged: 0, moved: 0 };

function addSummaries(a: CompareSummary, b: CompareSummary): CompareSummary {
  return {
    modified: a.modified + b.modified,
    added: a.added + b.added,
    deleted: a.deleted + b.deleted,
    renumbered: a.renumbered + b.renumbered,
    unchanged: a.unchanged + b.unchanged,
    moved: a.moved + b.moved,
  };
}

/**
 * The `compare --json` shape. One pair of documents (the usual case): `{ changes, summary }` as
 * the contract says. Several pairs: the same top-level fields over all pairs (each change
 * carries `document`, its index in `documents`), plus `documents: [{ old, new, changes, summary }]`.
 */
export function compareJson(result: readonly DocumentComparison[]): Record<string, unknown> {
  if (result.length === 1) return { changes: result[0]!.changes, summary: result[0]!.summary };
  return {
    changes: result.flatMap((d, i) => d.changes.map((c) => ({ ...c, document: i }))),
    summary: result.reduce((s, d) => addSummaries(s, d.summary), ZERO),
    documents: result.map((d) => ({ old: d.old, new: d.new, changes: d.changes, summary: d.summary })),
  };
}

/** User-facing names of the ops. */
const OP_LABEL: Readonly<Record<ProvisionChange['op'], string>> = {
  modified: '修改',
  added: '新增',
  deleted: '删除',
  renumbered: '重新编号',
  moved: '移动',
};

const RED_STRIKE = '\u001b[31;9m';
const GREEN = '\u001b[32m';
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';

/** One change as a block: a header line, notes, then the text with deletions and insertions marked. */
function changeBlock(c: ProvisionChange, color: boolean): string {
  const head =
    c.op === 'added'
      ? `${c.new}  ${OP_LABEL[c.op]}`
      : c.op === 'deleted'
        ? `${c.old}  ${OP_LABEL[c.op]}`
        : `${c.old} → ${c.new}  ${OP_LABEL[c.op]}${c.op === 'modified' || (c.op === 'moved' && c.similarity < 1) ? `  相似度 ${c.similarity.toFixed(2)}` : ''}`;
  const notes: string[] = [];
  if (c.moved) notes.push(`由 ${c.moved.fromParent || '（顶层）'} 移至 ${c.moved.toParent || '（顶层）'}`);
  if (c.mergedFrom) notes.push(`由 ${c.mergedFrom.join('、')} 合并而成`);
  if (c.mergedInto) notes.push(`并入 ${c.mergedInto}`);
  if (c.splitInto) notes.push(`拆分为 ${c.splitInto.join('、')}`);
  if (c.splitFrom) notes.push(`由 ${c.splitFrom} 拆出`);
  const lines = [head, ...notes.map((n) => `  ${color ? DIM : ''}${n}${color ? RESET : ''}`)];
  // A renumbered unit's text is unchanged: the header says it all.
  if (c.op !== 'renumbered') {
    const body = c.diff.map((s) => mark(s.op, s.text, color)).join('');
    lines.push(body.split('\n').map((l) => `    ${l}`).join('\n'));
  }
  return lines.join('\n');
}

function mark(op: 'equal' | 'delete' | 'insert', text: string, color: boolean): string {
  if (op === 'equal') return text;
  if (color) {
    // Colour per line so that a reset never spans the indentation added after a newline.
    const code = op === 'delete' ? RED_STRIKE : GREEN;
    return text.split('\n').map((l) => (l === '' ? l : `${code}${l}${RESET}`)).join('\n');
  }
  return op === 'delete' ? `[-${text}-]` : `{+${text}+}`;
}

function summaryLine(s: CompareSummary): string {
  return `修改 ${s.modified} · 新增 ${s.added} · 删除 ${s.deleted} · 重新编号 ${s.renumbered} · 移动 ${s.moved} · 未变 ${s.unchanged}`;
}

/** A readable report: per document pair, one block per change, then the summary line. */
export function compareReport(result: readonly DocumentComparison[], opts: { readonly color: boolean }): string {
  if (result.length === 0) return 'No document found.\n';
  const out: string[] = [];
  for (const d of result) {
    if (result.length > 1 || d.old === null || d.new === null) {
      const name = (r: DocumentComparison['old']) => (r ? `${r.title}${r.docNumber ? `（${r.docNumber}）` : ''}` : '（无）');
      out.push(`== ${name(d.old)} → ${name(d.new)}`, '');
    }
    if (d.changes.length === 0) out.push('没有变化。', '');
    for (const c of d.changes) out.push(changeBlock(c, opts.color), '');
    out.push(summaryLine(d.summary), '');
  }
  return `${out.join('\n')}`;
}
