/**
 * `policy-tracker ingest <file|dir|url>...`: run the pipeline over files, directories and URLs
 * and record every document found. One line per failure, a summary at the end, exit 1 if
 * anything failed.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import type { Kysely } from 'kysely';
import { type Database, indexSearch, recordSnapshot, type RecordOutcome } from '../db/index.ts';
import { recordDocumentWithChanges } from '../db/changes.repository.ts';
import { raiseIngestAlerts } from '../db/alerts.repository.ts';
import { getConfig, getWorkerConfig } from '../config.ts';
import { processBytes } from '../pipeline/index.ts';
import { walkFiles } from '../workers/walk-files.ts';
import { fetchPage } from '../workers/http-fetch.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';
import { DEFAULT_MAX_BYTES, readInputFile, withFileName } from './input.ts';

interface DocumentResult {
  readonly title: string;
  readonly docNumber: string | null;
  readonly kind: string;
  readonly outcome: RecordOutcome | 'failed';
  readonly documentId: number | null;
  readonly seq: number | null;
  readonly error: string | null;
}

interface InputResult {
  readonly source: string;
  readonly documents: DocumentResult[];
  readonly error: string | null;
}

export interface IngestSummary {
  readonly inputs: number;
  readonly failedInputs: number;
  readonly documents: Record<RecordOutcome | 'failed', number>;
}

const IS_URL = /^https?:\/\//i;

/** Expand the arguments into files (directories walked, sorted) and URLs. Missing paths are failures. */
async function expand(args: readonly string[]): Promise<{ sources: string[]; failures: InputResult[] }> {
  const sources: string[] = [];
  const failures: InputResult[] = [];
  for (const arg of args) {
    if (IS_URL.test(arg)) {
      sources.push(arg);
      continue;
    }
    let st;
    try {
      st = await stat(arg);
    } catch {
      failures.push({ source: arg, documents: [], error: `${arg}: no such file or directory` });
      continue;
    }
    if (st.isDirectory()) {
      const files = await walkFiles(arg);
      if (files.length === 0) failures.push({ source: arg, documents: [], error: `${arg}: directory holds no files` });
      sources.push(...files);
    } else sources.push(arg);
  }
  return { sources, failures };
}

/**
 * Takes what was recorded into the text search (recording leaves provision texts out of its
 * index, migration 0019). A failure here loses nothing: the next ingest or worker job takes them.
 */
async function indexForSearch(db: Kysely<Database>): Promise<void> {
  try {
    await indexSearch(db);
  } catch (raw) {
    process.stderr.write(`policy-tracker: warning: the documents are recorded but not yet searchable in the web pages (${oneLine(raw)}); the next ingest makes them so\n`);
  }
}

/** Alert ids raised while ingesting, and the first error met raising them (reported once). */
export interface AlertCollector {
  readonly ids: number[];
  error: string | null;
}

/** Raises the subscribers' alerts of one recorded document; never fails the ingest. */
async function raiseInto(alerts: AlertCollector, db: Kysely<Database>, r: { documentId: number; versionId: number; outcome: RecordOutcome }): Promise<void> {
  try {
    alerts.ids.push(...(await raiseIngestAlerts(db, r)));
  } catch (raw) {
    alerts.error ??= oneLine(raw);
  }
}

/**
 * Hands the raised alerts to the `deliver` queue; when Redis cannot be reached they stay pending
 * in the database (a worker's sweep queues them) and this says so once.
 */
async function queueAlerts(alerts: AlertCollector): Promise<void> {
  if (alerts.error) process.stderr.write(`policy-tracker: warning: could not raise alerts (${alerts.error}); the documents are recorded, re-ingest to raise them\n`);
  if (alerts.ids.length === 0) return;
  let reason: string | null;
  try {
    const { queueDeliveriesOrLeavePending } = await import('../workers/alert-queue.ts');
    reason = (await queueDeliveriesOrLeavePending(getConfig().redisUrl, getWorkerConfig(), alerts.ids)).reason;
  } catch (raw) {
    reason = oneLine(raw);
  }
  const n = `${alerts.ids.length} alert${alerts.ids.length === 1 ? '' : 's'}`;
  if (reason !== null) process.stderr.write(`policy-tracker: ${n} recorded as pending (${reason}); a worker will deliver them once it runs\n`);
}

/** Read or fetch one source, run the pipeline and record its documents. Never throws. */
export async function ingestOne(db: Kysely<Database>, source: string, maxBytes = DEFAULT_MAX_BYTES, alerts?: AlertCollector): Promise<InputResult> {
  const seenAt = new Date();
  const isUrl = IS_URL.test(source);
  const location = isUrl ? source : resolve(source);
  let bytes: Uint8Array;
  let contentType: string | null = null;
  let page;
  try {
    if (isUrl) {
      const fetched = await fetchPage(source, { maxBytes });
      bytes = fetched.bytes;
      contentType = fetched.contentType;
    } else {
      bytes = await readInputFile(source, maxBytes);
    }
    page = withFileName(source, () => processBytes(bytes, { fileName: source, contentType: contentType ?? undefined, maxBytes }));
  } catch (raw) {
    return { source, documents: [], error: oneLine(raw) };
  }
  if (page.documents.length === 0) return { source, documents: [], error: `${source}: no document found in the text` };
  let snapshotId: number | null = null;
  try {
    const snap = await recordSnapshot(db, { location, bytes, contentType, charset: page.charset, publishedOn: page.publishedOn, fetchedAt: seenAt });
    snapshotId = snap.id;
  } catch (raw) {
    return { source, documents: [], error: `${source}: could not store the page: ${oneLine(raw)}` };
  }
  const documents: DocumentResult[] = [];
  for (const doc of page.documents) {
    const base = { title: doc.title, docNumber: doc.docNumber, kind: doc.kind };
    try {
      const r = await recordDocumentWithChanges(db, doc, { source: location, seenAt, snapshotId });
      if (alerts) await raiseInto(alerts, db, r);
      documents.push({ ...base, outcome: r.outcome, documentId: r.documentId, seq: r.seq, error: null });
    } catch (raw) {
      documents.push({ ...base, outcome: 'failed', documentId: null, seq: null, error: `${source}: «${doc.title}»: ${oneLine(raw)}` });
    }
  }
  // Also when nothing was new here: it takes what an interrupted run left unsearchable.
  await indexForSearch(db);
  return { source, documents, error: null };
}

function oneLine(raw: unknown): string {
  const msg = raw instanceof Error ? raw.message : String(raw);
  return msg.split('\n')[0]!;
}

/** Tally outcomes across inputs. */
export function summarize(results: readonly InputResult[]): IngestSummary {
  const documents = { new: 0, revised: 0, unchanged: 0, failed: 0 };
  let failedInputs = 0;
  for (const r of results) {
    if (r.error) failedInputs++;
    for (const d of r.documents) documents[d.outcome]++;
  }
  return { inputs: results.length, failedInputs, documents };
}

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description('run the pipeline over files, directories or URLs and record every document')
    .argument('<inputs...>', 'files, directories (walked) or http(s) URLs')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .option('--json', 'print what was recorded as JSON')
    .option('--max-size <bytes>', 'largest page accepted', (v) => Number.parseInt(v, 10), DEFAULT_MAX_BYTES)
    .action(async (inputs: string[], opts: { dataDir?: string; json?: boolean; maxSize: number }) => {
      const { sources, failures } = await expand(inputs);
      const results: InputResult[] = [...failures];
      for (const f of failures) process.stderr.write(`policy-tracker: ${f.error}\n`);
      if (sources.length > 0) {
        await withDatabase(opts, async (db) => {
          const showBar = process.stderr.isTTY === true && sources.length > 1 && !opts.json;
          const multi = showBar
            ? new cliProgress.MultiBar({ format: 'ingest [{bar}] {value}/{total} files · {docs} documents', hideCursor: true, clearOnComplete: true, stream: process.stderr })
            : null;
          const bar = multi?.create(sources.length, 0, { docs: 0 });
          let docs = 0;
          const alerts: AlertCollector = { ids: [], error: null };
          for (const source of sources) {
            const r = await ingestOne(db, source, opts.maxSize, alerts);
            results.push(r);
            docs += r.documents.length;
            const problems = [r.error, ...r.documents.map((d) => d.error)].filter((e): e is string => e !== null);
            for (const p of problems) {
              if (multi) multi.log(`policy-tracker: ${p}\n`);
              else process.stderr.write(`policy-tracker: ${p}\n`);
            }
            bar?.increment(1, { docs });
          }
          multi?.stop();
          await queueAlerts(alerts);
        });
      }
      const summary = summarize(results);
      if (opts.json) {
        process.stdout.write(`${JSON.stringify({ summary, inputs: results }, null, 2)}\n`);
      } else {
        process.stdout.write(`${summaryLine(summary)}\n`);
      }
      if (summary.failedInputs > 0 || summary.documents.failed > 0) process.exitCode = 1;
    });
}

/** `5 inputs read (0 failed) · 13 documents: 9 new, 0 revised, 4 unchanged, 0 failed`. */
export function summaryLine(s: IngestSummary): string {
  const d = s.documents;
  const total = d.new + d.revised + d.unchanged + d.failed;
  const nothing = d.new + d.revised === 0 && total > 0 && d.failed === 0 ? ' — nothing new to record' : '';
  return `${s.inputs} input${s.inputs === 1 ? '' : 's'} read (${s.failedInputs} failed) · ${total} documents: ${d.new} new, ${d.revised} revised, ${d.unchanged} unchanged, ${d.failed} failed${nothing}`;
}

