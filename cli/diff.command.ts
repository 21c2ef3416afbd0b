/**
 * `policy-tracker diff <document> [--from V] [--to V] [--format text|md|html|json]`: the changes
 * between two recorded versions of a document (default: the last two). Consecutive versions
 * read the changes recorded at ingest (computing and recording them when missing); any other
 * pair is compared directly.
 */
import { Option, type Command } from 'commander';
import type { Kysely } from 'kysely';
import { compareStoredVersions, versionChanges } from '../db/changes.repository.ts';
import { findDocument, type Database } from '../db/index.ts';
import type { CompareResult } from '../pipeline/compare.ts';
import { diffJson, renderDiffHtml, renderDiffMarkdown, versionLabel, type VersionDiff } from '../pipeline/render-diff.ts';
import { compareReport } from './compare.command.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';

type Format = 'text' | 'md' | 'html' | 'json';

/** A request the record cannot answer as asked (same version twice, unknown version, one version only). */
export class DiffRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

function seqOf(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) throw new DiffRequestError(`${flag} expects a version number (1, 2, …; see \`history\`), got "${raw}"`);
  return Number(raw);
}

/** The two versions to compare and what changed between them. */
export async function versionDiff(db: Kysely<Database>, ref: string, opts: { from?: string; to?: string }): Promise<VersionDiff> {
  const doc = await findDocument(db, ref);
  const versions = await db
    .selectFrom('versions')
    .select(['id', 'seq', 'signed_on', 'effective'])
    .where('document_id', '=', doc.id)
    .orderBy('seq')
    .execute();
  const name = doc.doc_number ?? `《${doc.title}》`;
  let to = seqOf('--to', opts.to);
  let from = seqOf('--from', opts.from);
  const known = versions.map((v) => v.seq);
  const last = known[known.length - 1]!;
  for (const seq of [from, to]) {
    if (seq !== undefined && !known.includes(seq)) {
      throw new DiffRequestError(`${name} has no version ${seq}: recorded versions are ${known.join(', ')} (see \`history ${ref}\`)`);
    }
  }
  if (known.length < 2) throw new DiffRequestError(`${name} has only one recorded version (第${last}版): there is nothing to compare yet`);
  // Defaults: the latest version, and the one before `to`.
  to ??= last;
  if (from === undefined) {
    if (to === known[0]) throw new DiffRequestError(`第${to}版 is the first recorded version of ${name}: there is nothing before it to compare with`);
    from = known[known.indexOf(to) - 1]!;
  }
  if (from === to) throw new DiffRequestError(`--from and --to name the same version (第${from}版) of ${name}: give two different versions`);
  const vf = versions.find((v) => v.seq === from)!;
  const vt = versions.find((v) => v.seq === to)!;
  const result: CompareResult =
    vt.seq === vf.seq + 1 ? ((await versionChanges(db, vt.id)) ?? (await compareStoredVersions(db, vf.id, vt.id))) : await compareStoredVersions(db, vf.id, vt.id);
  return {
    document: { id: doc.id, docNumber: doc.doc_number, title: doc.title },
    from: { seq: vf.seq, signedOn: vf.signed_on, effective: vf.effective },
    to: { seq: vt.seq, signedOn: vt.signed_on, effective: vt.effective },
    changes: result.changes,
    summary: result.summary,
  };
}

/** The terminal report: a heading naming the document and versions, then the `compare` report. */
export function diffText(d: VersionDiff, color: boolean): string {
  const head = [d.document.title, d.document.docNumber, `${versionLabel(d.from)} → ${versionLabel(d.to)}`].filter(Boolean).join('\n');
  const ref = { title: d.document.title, docNumber: d.document.docNumber };
  return `${head}\n\n${compareReport([{ old: ref, new: ref, changes: [...d.changes], summary: d.summary }], { color })}`;
}

export function registerDiff(program: Command): void {
  program
    .command('diff')
    .description('the changes between two recorded versions of a document (default: the last two), as a report or a 新旧对照表')
    .argument('<document>', 'id, document number, or a unique part of the title')
    .option('--from <version>', 'the earlier version number (default: the one before --to)')
    .option('--to <version>', 'the later version number (default: the latest)')
    .addOption(new Option('--format <format>', 'text (terminal report), md or html (side-by-side 新旧对照表), json').choices(['text', 'md', 'html', 'json']).default('text'))
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (ref: string, opts: { from?: string; to?: string; format: Format; dataDir?: string }) => {
      await withDatabase(opts, async (db) => {
        const d = await versionDiff(db, ref, opts);
        const out =
          opts.format === 'json'
            ? `${JSON.stringify(diffJson(d), null, 2)}\n`
            : opts.format === 'md'
              ? renderDiffMarkdown(d)
              : opts.format === 'html'
                ? renderDiffHtml(d)
                : diffText(d, process.stdout.isTTY === true);
        process.stdout.write(out);
      });
    });
}
