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
import { type Database, indexSearch, linkCitations, recordSnapshot, versionsDatedBeforeEarlier, type RecordItemResult, type RecordOutcome, type SeenAt } from '../db/index.ts';
import { recordDocumentsWithChanges } from '../db/changes.repository.ts';
import { coerceError } from '../db/errors.ts';
import { raiseIngestAlerts } from '../db/alerts.repository.ts';
import { listSubscriptions } from '../db/subscriptions.repository.ts';
import { getConfig, getWorkerConfig } from '../config.ts';
import { processBytes } from '../pipeline/index.ts';
import type { PolicyDocument } from '../pipeline/types.ts';
import { walkFiles } from '../workers/walk-files.ts';
import { fetchPage } from '../workers/http-fetch.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';
import { DEFAULT_MAX_BYTES, readInputFile, withFileName } from './input.ts';

export interface DocumentResult {
  readonly title: string;
  readonly docNumber: string | null;
  readonly kind: string;
  readonly outcome: RecordOutcome | 'failed';
  readonly documentId: number | null;
  readonly seq: number | null;
  readonly error: string | null;
}

export interface InputResult {
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

/**
 * Links what the recorded texts cite to the documents recorded (migration 0024), and the texts
 * that cited a document before it was recorded to it. A failure here loses nothing: the next
 * ingest or worker job reads what was left.
 */
async function linkCited(db: Kysely<Database>): Promise<void> {
  try {
    await linkCitations(db);
  } catch (raw) {
    process.stderr.write(`policy-tracker: warning: the documents are recorded but what they cite is not linked yet (${oneLine(raw)}); the next ingest links it\n`);
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

/** A source read, run through the pipeline and stored as a snapshot: its documents wait to be recorded. */
interface ReadSource {
  readonly source: string;
  readonly documents: readonly PolicyDocument[];
  readonly seen: SeenAt;
  /** UTF-8 bytes of the documents' texts, for cutting batches. */
  readonly textBytes: number;
}

function isRead(r: InputResult | ReadSource): r is ReadSource {
  return 'seen' in r;
}

/**
 * Reads or fetches one source, runs the pipeline and stores the page as a snapshot. Never
 * throws: a source that cannot be read, holds no document or cannot be stored comes back as its
 * failed {@link InputResult}.
 */
async function readSource(db: Kysely<Database>, source: string, maxBytes: number): Promise<InputResult | ReadSource> {
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
  const textBytes = page.documents.reduce((n, d) => n + Buffer.byteLength(d.text), 0);
  return { source, documents: page.documents, seen: { source: location, seenAt, snapshotId }, textBytes };
}

/**
 * Warns about each revision dated before a version of its document recorded in an earlier run:
 * versions are taken in the order they are recorded (within one run they are sorted by date), so
 * such an older text has just become the document's latest, the one `show` prints. Read-only;
 * a failure to check is not reported.
 */
async function warnOutOfOrder(db: Kysely<Database>, reads: readonly ReadSource[], recorded: readonly RecordItemResult[]): Promise<void> {
  const sources = reads.flatMap((r) => r.documents.map(() => r.source));
  const revised = new Map<number, string>();
  recorded.forEach((r, k) => {
    if (r.outcome === 'revised') revised.set(r.versionId, sources[k]!);
  });
  if (revised.size === 0) return;
  try {
    for (const r of await versionsDatedBeforeEarlier(db, [...revised.keys()])) {
      process.stderr.write(
        `policy-tracker: warning: ${revised.get(r.versionId)}: «${r.title}» dated ${r.on} is recorded as version ${r.seq}, after version ${r.laterSeq} dated ${r.laterOn}: ` +
          `it is now the latest (versions are taken in the order they are recorded; record a document's older versions first)\n`,
      );
    }
  } catch {
    // Only a warning: recording is done either way.
  }
}

/**
 * Records the documents of several read sources together (one {@link recordDocumentsWithChanges}
 * call: batches in the database, each document failing alone), raises the alerts of each
 * recorded document in order, then takes the new texts into the text search once. Never throws.
 * @returns one result per source, in order, each document with its outcome or its error.
 */
async function recordSources(db: Kysely<Database>, reads: readonly ReadSource[], alerts?: AlertCollector): Promise<InputResult[]> {
  const items = reads.flatMap((r) => r.documents.map((doc) => ({ doc, seen: r.seen })));
  let recorded: RecordItemResult[];
  try {
    recorded = await recordDocumentsWithChanges(db, items);
  } catch (raw) {
    const error = coerceError(raw);
    recorded = items.map(() => ({ outcome: 'failed', error }));
  }
  // Alerts go to subscriptions made before the version was recorded (raiseIngestAlerts): with
  // none now, after recording, there is nothing to raise for any document of the batch.
  const raise = alerts !== undefined && (await listSubscriptions(db).then((subs) => subs.length > 0, () => true));
  const out: InputResult[] = [];
  let k = 0;
  for (const { source, documents: docs } of reads) {
    const documents: DocumentResult[] = [];
    for (const doc of docs) {
      const r = recorded[k++]!;
      const base = { title: doc.title, docNumber: doc.docNumber, kind: doc.kind };
      if (r.outcome === 'failed') {
        documents.push({ ...base, outcome: 'failed', documentId: null, seq: null, error: `${source}: «${doc.title}»: ${oneLine(r.error)}` });
      } else {
        if (raise) await raiseInto(alerts!, db, r);
        documents.push({ ...base, outcome: r.outcome, documentId: r.documentId, seq: r.seq, error: null });
      }
    }
    out.push({ source, documents, error: null });
  }
  await warnOutOfOrder(db, reads, recorded);
  // Also when nothing was new here: it takes what an interrupted run left unsearchable.
  await indexForSearch(db);
  await linkCited(db);
  return out;
}

/** Read or fetch one source, run the pipeline and record its documents. Never throws. */
export async function ingestOne(db: Kysely<Database>, source: string, maxBytes = DEFAULT_MAX_BYTES, alerts?: AlertCollector): Promise<InputResult> {
  const read = await readSource(db, source, maxBytes);
  if (!isRead(read)) return read;
  return (await recordSources(db, [read], alerts))[0]!;
}

/**
 * When the documents waiting to be recorded are flushed: about one `pt_record_documents` batch
 * (db/record.ts cuts its batches at 200 documents or 8 MB of text). Fewer round trips per
 * document stop paying beyond that; more only holds more pages in memory.
 */
export const FLUSH_AT = { documents: 200, textBytes: 8 * 1024 * 1024 } as const;

export interface IngestSourcesOptions {
  readonly maxBytes?: number;
  readonly alerts?: AlertCollector;
  /** When to record what is waiting (default {@link FLUSH_AT}). */
  readonly flushAt?: { readonly documents: number; readonly textBytes: number };
  /** Called as each source has been read (before its documents are recorded). */
  readonly onRead?: (source: string, documents: number) => void;
  /** Called with each source's final result, in the order of `sources`. */
  readonly onResult?: (result: InputResult) => void;
}

/**
 * Reads the sources one by one (each page stored as its snapshot as it is read) and records the
 * documents of several sources together, in order, whenever about {@link FLUSH_AT} documents or
 * text are waiting, and at the end; a batch is recorded while the sources after it are read. Same
 * outcomes as {@link ingestOne} over each source in turn, but for versions of one document met in
 * one batch: they are recorded one after the other, oldest first by their dates (signing, else
 * taking effect; in the given order when one has none), so that a directory holding a law's old
 * and new texts ends with the new one as the latest version (db/record.ts recordDocuments).
 * Never throws.
 * @returns one result per source, in the order of `sources`.
 */
export async function ingestSources(db: Kysely<Database>, sources: readonly string[], opts: IngestSourcesOptions = {}): Promise<InputResult[]> {
  const flushAt = opts.flushAt ?? FLUSH_AT;
  const results: InputResult[] = [];
  let waiting: (InputResult | ReadSource)[] = [];
  let documents = 0;
  let textBytes = 0;
  // The batch being recorded while the next sources are read: the pipeline's work in Node and
  // the recording's in Postgres overlap. One batch at a time, in order.
  let recording: Promise<void> = Promise.resolve();
  const flush = () => {
    const batch = waiting;
    waiting = [];
    documents = 0;
    textBytes = 0;
    recording = recording.then(async () => {
      const reads = batch.filter(isRead);
      const recorded = reads.length > 0 ? await recordSources(db, reads, opts.alerts) : [];
      let k = 0;
      for (const w of batch) {
        const r = isRead(w) ? recorded[k++]! : w;
        results.push(r);
        opts.onResult?.(r);
      }
    });
    // Awaited below; this only keeps a rejection (a throwing onResult) from counting as unhandled meanwhile.
    recording.catch(() => undefined);
  };
  for (const source of sources) {
    const r = await readSource(db, source, opts.maxBytes ?? DEFAULT_MAX_BYTES);
    waiting.push(r);
    opts.onRead?.(source, r.documents.length);
    if (isRead(r)) {
      documents += r.documents.length;
      textBytes += r.textBytes;
    }
    if (documents >= flushAt.documents || textBytes >= flushAt.textBytes) {
      // At most one batch recording and one being read: memory stays at about two batches.
      await recording;
      flush();
    } else if (documents === 0) {
      // Nothing waiting: a failed source is reported as soon as the batches before it are.
      flush();
    }
  }
  flush();
  await recording;
  return results;
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
          results.push(
            ...(await ingestSources(db, sources, {
              maxBytes: opts.maxSize,
              alerts,
              onRead: (_source, n) => {
                docs += n;
                bar?.increment(1, { docs });
              },
              onResult: (r) => {
                const problems = [r.error, ...r.documents.map((d) => d.error)].filter((e): e is string => e !== null);
                for (const p of problems) {
                  if (multi) multi.log(`policy-tracker: ${p}\n`);
                  else process.stderr.write(`policy-tracker: ${p}\n`);
                }
              },
            })),
          );
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

