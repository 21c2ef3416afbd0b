/**
 * `policy-tracker jobs [--failed] [--json]` and `jobs retry <id|--all>`: what is in the queues,
 * and sending failed jobs back to be tried again.
 */
import type { Command } from 'commander';
import { getConfig, getWorkerConfig } from '../config.ts';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;

interface FailedJob {
  readonly queue: string;
  readonly id: string;
  readonly attempts: number;
  readonly failedReason: string;
  readonly failedAt: string | null;
  readonly data: unknown;
}

async function queuesModule() {
  const [{ withQueues }, { QUEUE_NAMES }] = await Promise.all([import('../workers/cli-queues.ts'), import('../workers/queues.ts')]);
  return { withQueues, QUEUE_NAMES };
}

export function registerJobs(program: Command): void {
  const jobs = program
    .command('jobs')
    .description('job counts per queue, or the failed jobs with --failed')
    .option('--failed', 'list the failed jobs (newest first)')
    .option('--limit <n>', 'with --failed: at most this many per queue', '50')
    .option('--json', 'print JSON')
    .action(async (opts: { failed?: boolean; json?: boolean; limit: string }) => {
      const { withQueues, QUEUE_NAMES } = await queuesModule();
      await withQueues(getConfig().redisUrl, getWorkerConfig(), async (queues) => {
        if (opts.failed) {
          const failed: FailedJob[] = [];
          for (const name of QUEUE_NAMES) {
            for (const j of await queues[name].getFailed(0, Math.max(1, Number(opts.limit)) - 1)) {
              failed.push({ queue: name, id: j.id ?? '', attempts: j.attemptsMade, failedReason: j.failedReason, failedAt: j.finishedOn ? new Date(j.finishedOn).toISOString() : null, data: j.data });
            }
          }
          if (opts.json) process.stdout.write(`${JSON.stringify({ failed }, null, 2)}\n`);
          else if (failed.length === 0) process.stdout.write('no failed jobs\n');
          else for (const f of failed) process.stdout.write(`${f.queue.padEnd(10)} ${f.id}  ${f.attempts} attempts  ${f.failedAt ?? ''}  ${f.failedReason}  ${JSON.stringify(f.data)}\n`);
          return;
        }
        const counts: Record<string, Record<string, number>> = {};
        for (const name of QUEUE_NAMES) {
          counts[name] = { ...(await queues[name].getJobCounts(...STATES)), schedulers: await queues[name].getJobSchedulersCount() };
        }
        if (opts.json) process.stdout.write(`${JSON.stringify({ queues: counts }, null, 2)}\n`);
        else for (const [name, c] of Object.entries(counts)) process.stdout.write(`${name.padEnd(10)} ${Object.entries(c).map(([k, v]) => `${k} ${v}`).join(' · ')}\n`);
      });
    });

  jobs
    .command('retry')
    .description('send a failed job (by id) or every failed job (--all) back to its queue')
    .argument('[id]', 'the job id, as `jobs --failed` shows it')
    .option('--all', 'retry every failed job of every queue')
    .action(async (id: string | undefined, opts: { all?: boolean }) => {
      if (!id === !opts.all) throw new Error('give a job id or --all');
      const { withQueues, QUEUE_NAMES } = await queuesModule();
      await withQueues(getConfig().redisUrl, getWorkerConfig(), async (queues) => {
        if (opts.all) {
          let n = 0;
          for (const name of QUEUE_NAMES) {
            n += await queues[name].getFailedCount();
            await queues[name].retryJobs({ state: 'failed', count: 1000 });
          }
          process.stdout.write(`retrying ${n} failed job${n === 1 ? '' : 's'}\n`);
          return;
        }
        for (const name of QUEUE_NAMES) {
          const job = await queues[name].getJob(id!);
          if (!job) continue;
          if (!(await job.isFailed())) throw new Error(`job ${id} in ${name} is ${await job.getState()}, not failed; only failed jobs are retried`);
          await job.retry('failed');
          process.stdout.write(`retrying ${name} job ${id}\n`);
          return;
        }
        throw new Error(`no job "${id}" in any queue; see \`policy-tracker jobs --failed\``);
      });
    });
}
