/**
 * Commands that read the record: `documents`, `history`, `show`, and `migrate`.
 * Status words and text shown to readers are Chinese, as the texts are.
 */
import type { Command } from 'commander';
import { documentHistory, listDocuments, migrateToLatest, textInForce, type DocumentSummary } from '../db/index.ts';
import { documentLinks } from '../db/web.repository.ts';
import { changesLine } from '../pipeline/render-diff.ts';
import { LINK_ZH, linkName } from '../web/pages/document.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, dayOf, withDatabase } from './database.ts';

/** Status words as a Chinese reader expects them. */
export const STATUS_ZH: Record<string, string> = {
  pending: '尚未施行',
  in_force: '现行有效',
  expiring: '即将到期',
  expired: '已失效',
  repealed: '已废止',
  superseded: '已被修订',
  unknown: '效力未知',
};

function clip(s: string, n: number): string {
  return [...s].length > n ? `${[...s].slice(0, n - 1).join('')}…` : s;
}

function docLine(d: DocumentSummary): string {
  const dates = `${d.effective ?? '—'} → ${d.expires ?? '—'}`;
  return `#${String(d.id).padEnd(4)} ${(STATUS_ZH[d.status] ?? d.status).padEnd(4, '　')}  ${dates.padEnd(23)}  v${d.versions}  ${d.docNumber ? `${d.docNumber}  ` : ''}${clip(d.title, 48)}${d.kind === 'news' ? '（新闻）' : ''}`;
}

export function registerRecordCommands(program: Command): void {
  program
    .command('migrate')
    .description('bring the database schema up to date (also done automatically on first use)')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { dataDir?: string }) => {
      // openForCommand migrates on open; run the migrator again to report what is applied.
      await withDatabase(opts, async (db) => {
        const { error, results } = await migrateToLatest(db);
        if (error) throw error instanceof Error ? error : new Error(String(error));
        const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
        process.stdout.write(applied.length > 0 ? `applied ${applied.join(', ')}\n` : 'database schema is up to date\n');
      });
    });

  program
    .command('documents')
    .description('list the recorded documents with their status and dates')
    .option('--json', 'print the JSON contract')
    .option('--on <date>', 'status on this day (YYYY-MM-DD; default today in China)')
    .option('--kind <kind>', 'only policy or news')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { json?: boolean; on?: string; kind?: string; dataDir?: string }) => {
      const on = dayOf(opts.on);
      if (opts.kind && opts.kind !== 'policy' && opts.kind !== 'news') throw new Error(`--kind is policy or news, got "${opts.kind}"`);
      const kind = opts.kind as 'policy' | 'news' | undefined;
      await withDatabase(opts, async (db) => {
        const list = await listDocuments(db, kind ? { on, kind } : { on });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
          return;
        }
        if (list.documents.length === 0) {
          process.stdout.write('No document recorded yet. Run `npx policy-tracker ingest <file|dir|url>` first.\n');
          return;
        }
        process.stdout.write(`${list.documents.length} documents, status on ${on}:\n`);
        for (const d of list.documents) process.stdout.write(`${docLine(d)}\n`);
      });
    });

  program
    .command('history')
    .description('the versions of one document, with dates and where each was seen')
    .argument('<document>', 'id, document number, or a unique part of the title')
    .option('--json', 'print the JSON contract')
    .option('--on <date>', 'status on this day (YYYY-MM-DD; default today in China)')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (ref: string, opts: { json?: boolean; on?: string; dataDir?: string }) => {
      const on = dayOf(opts.on);
      await withDatabase(opts, async (db) => {
        const h = await documentHistory(db, ref, { on });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(h, null, 2)}\n`);
          return;
        }
        process.stdout.write(`${docLine(h.document)}\n`);
        for (const v of h.versions) {
          process.stdout.write(
            `  第${v.seq}版  成文 ${v.signedOn ?? '—'}  施行 ${v.effective ?? '—'}  失效 ${v.expires ?? '—'}  首见 ${v.seenAt.slice(0, 19).replace('T', ' ')}  ${v.sha256.slice(0, 12)}\n`,
          );
          if (v.changedProvisions !== null) process.stdout.write(`      ${changesLine(v.changedProvisions)}\n`);
          for (const s of v.sources) process.stdout.write(`      ${s}\n`);
        }
      });
    });

  program
    .command('show')
    .description('the text of a document in force on a day')
    .argument('<document>', 'id, document number, or a unique part of the title')
    .option('--on <date>', 'day (YYYY-MM-DD; default today in China)')
    .option('--json', 'print as JSON')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (ref: string, opts: { json?: boolean; on?: string; dataDir?: string }) => {
      const on = dayOf(opts.on);
      await withDatabase(opts, async (db) => {
        const t = await textInForce(db, ref, on);
        // Repeals and citations, both ways (what the document page lists under 关联文件).
        const relations = await documentLinks(db, t.document.id);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ ...t, relations }, null, 2)}\n`);
          return;
        }
        const related = relations.length === 0 ? '' : `\n关联文件\n${relations.map((l) => `  ${LINK_ZH[`${l.kind}-${l.direction}`]} ${l.documentId !== null ? `#${l.documentId} ` : ''}${linkName(l)}${l.documentId === null ? '（尚未收录）' : ''}\n`).join('')}`;
        if (!t.version) {
          process.stdout.write(`${t.document.title}: no version in force on ${on} (${STATUS_ZH[t.document.status] ?? t.document.status})\n${related}`);
          return;
        }
        const v = t.version;
        process.stdout.write(`${v.title}\n${v.docNumber ? `${v.docNumber}\n` : ''}第${v.seq}版 · 成文 ${v.signedOn ?? '—'} · 施行 ${v.effective ?? '—'} · 失效 ${v.expires ?? '—'} · ${on} ${STATUS_ZH[t.document.status] ?? t.document.status}\n\n`);
        if (v.provisions.length === 0) process.stdout.write(`${v.text}\n`);
        for (const p of v.provisions) {
          const label = p.level === 'preamble' || p.level === 'closing' ? '' : `${p.label} `;
          process.stdout.write(`${label}${p.heading ?? ''}${p.heading && p.text ? '\n' : ''}${p.text}\n`);
        }
        process.stdout.write(related);
      });
    });
}

