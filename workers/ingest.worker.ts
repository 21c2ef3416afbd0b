/**
 * Processor of the `ingest` queue: one stored snapshot → extract, split, segment, analyse
 * (pipeline/) → record the page's documents in one call (db/). Idempotent: a snapshot ingested
 * twice (a retry, a worker killed mid-job) records `unchanged` the second time.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { indexSearch, linkCitations, type RecordOutcome } from '../db/index.ts';
import { recordDocumentsWithChanges } from '../db/changes.repository.ts';
import { raiseIngestAlerts } from '../db/alerts.repository.ts';
import { queueDeliveries } from './alert-queue.ts';
import { processBytes } from '../pipeline/index.ts';
import type { WorkerContext } from './context.ts';
import { toJobError } from './errors.ts';
import type { Payload } from './queues.ts';

export interface IngestResult {
  readonly snapshotId: number;
  readonly documents: Record<RecordOutcome, number>;
}

export function ingestProcessor(ctx: WorkerContext) {
  return async (job: Job<Payload<'ingest'>>): Promise<IngestResult> => {
    const { snapshotId } = job.data;
    try {
      const snap = await ctx.db
        .selectFrom('snapshots')
        .select(['id', 'location', 'bytes', 'content_type', 'fetched_at'])
        .where('id', '=', snapshotId)
        .executeTakeFirst();
      if (!snap) throw new UnrecoverableError(`snapshot ${snapshotId} is gone (pruned?); nothing to ingest`);
      const page = processBytes(new Uint8Array(snap.bytes), {
        contentType: snap.content_type ?? undefined,
        fileName: new URL(snap.location, 'file:///').pathname,
        maxBytes: ctx.config.fetchMaxBytes,
      });
      const seen = { source: snap.location, seenAt: snap.fetched_at, snapshotId: snap.id };
      const results = await recordDocumentsWithChanges(ctx.db, page.documents.map((doc) => ({ doc, seen })));
      const documents = { new: 0, revised: 0, unchanged: 0 };
      let failed: Error | null = null;
      for (const r of results) {
        if (r.outcome === 'failed') {
          failed ??= r.error;
          continue;
        }
        documents[r.outcome]++;
        // Subscribers' alerts (new, revised, repeal); `unchanged` catches up after a crash in between.
        await queueDeliveries(ctx.queues, await raiseIngestAlerts(ctx.db, r));
      }
      // The new provision texts into the text search (recording leaves them out of its index).
      const searchable = await indexSearch(ctx.db);
      // What the texts cite, linked to the documents recorded (and earlier citations to these).
      const cited = await linkCitations(ctx.db);
      // A document refused fails the job (the others are recorded): retried, it finds them unchanged.
      if (failed) throw failed;
      ctx.logger.info({ queue: 'ingest', jobId: job.id, snapshotId, documents, searchable, cited }, 'ingested');
      return { snapshotId, documents };
    } catch (raw) {
      throw toJobError(raw);
    }
  };
}
