/**
 * The processor registry: queue → factory of its processor. The worker process runs every queue
 * listed here; a queue without an entry is left alone (its jobs wait for a process that has one).
 *
 * To add a processor (e.g. `alert-scan`, `deliver`): write `workers/<queue>.worker.ts` exporting
 * `xxxProcessor(ctx) => async (job, token, signal) => result`, and add one line below.
 */
import type { Processor } from 'bullmq';
import type { WorkerContext } from './context.ts';
import { alertScanProcessor } from './alert-scan.worker.ts';
import { deliverProcessor } from './deliver.worker.ts';
import { fetchProcessor } from './fetch.worker.ts';
import { ingestProcessor } from './ingest.worker.ts';
import type { Payload, QueueName } from './queues.ts';

export type ProcessorFactory<Q extends QueueName> = (ctx: WorkerContext) => Processor<Payload<Q>>;

export const PROCESSORS: { readonly [Q in QueueName]?: ProcessorFactory<Q> } = {
  fetch: fetchProcessor,
  ingest: ingestProcessor,
  'alert-scan': alertScanProcessor,
  deliver: deliverProcessor,
};
