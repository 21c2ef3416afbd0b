/**
 * Processor of the `deliver` queue: one alert to its subscription, by webhook or e-mail.
 *
 * Once per subscription: the job id is the alert id; the alert is marked `sending` in Postgres
 * before the POST (or SMTP exchange) and `sent` after; a job that finds it `sent` does nothing.
 * A worker that dies between the receiver's answer and writing `sent` leaves it `sending`; the
 * job comes back (stalled) and sends again with the same `X-Policy-Alert-Id`, which is what a
 * receiver dedupes on. Failed attempts go back to `pending` with their error; after the last one
 * the alert is `failed` (listed by `alerts --failed`, sent back by `alerts retry`).
 *
 * The factory also starts this process's sweep: alerts left `pending` without a job (recorded by
 * the CLI while Redis was away) are queued every `alertSweepMs`.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { claimAlert, markAttemptFailed, markSent } from '../db/alert-delivery.repository.ts';
import { renderAlertMessage } from '../pipeline/alert-message.ts';
import { sweepUndelivered } from './alert-queue.ts';
import type { WorkerContext } from './context.ts';
import { coerceError } from './errors.ts';
import { createMailer, MailConfigError, type Mailer } from './mailer.ts';
import type { Payload } from './queues.ts';
import { postWebhook, WebhookError, webhookBody } from './webhook.ts';

export interface DeliverResult {
  readonly alertId: number;
  readonly status: string;
}

/** Delay before the next try, as BullMQ's exponential backoff computes it (for `next_attempt_at`). */
function backoffMs(job: Job, base: number): number {
  return Math.round(2 ** job.attemptsMade * base);
}

export function deliverProcessor(ctx: WorkerContext) {
  let mailer: Mailer | null = null;
  startSweep(ctx);
  return async (job: Job<Payload<'deliver'>>, _token?: string, signal?: AbortSignal): Promise<DeliverResult> => {
    const { alertId } = job.data;
    const claim = await claimAlert(ctx.db, alertId, new Date());
    if (claim.kind === 'done') return { alertId, status: claim.status };
    const { alert, subscription: sub } = claim;
    try {
      const message = renderAlertMessage({ id: alert.id, kind: alert.kind, payload: alert.payload, subscriptionName: sub.name });
      let response: string;
      if (sub.channel === 'webhook') {
        if (!sub.secret) throw new UnrecoverableError(`subscription #${sub.id} has no secret; subscribe the URL again`);
        const body = webhookBody({ id: alert.id, kind: alert.kind, createdAt: alert.createdAt, subscription: { id: sub.id, name: sub.name }, summary: message.summary, payload: alert.payload });
        response = await postWebhook({ url: sub.target, body, secret: sub.secret, alertId, timeoutMs: ctx.config.webhookTimeoutMs, now: Math.floor(Date.now() / 1000), signal });
      } else {
        mailer ??= createMailer(ctx.config.smtpUrl, ctx.config.alertFrom, ctx.config.webhookTimeoutMs);
        response = await mailer.send({ to: sub.target, subject: message.subject, text: message.text, headers: { 'X-Policy-Alert-Id': String(alertId) } });
      }
      await markSent(ctx.db, alertId, response, new Date());
      ctx.logger.info({ queue: 'deliver', alertId, channel: sub.channel, response }, 'alert sent');
      return { alertId, status: 'sent' };
    } catch (raw) {
      const err = raw instanceof MailConfigError ? new UnrecoverableError(raw.message) : coerceError(raw);
      const last = err instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const next = last ? null : new Date(Date.now() + backoffMs(job, ctx.config.jobBackoffMs));
      await markAttemptFailed(ctx.db, alertId, err.message, err instanceof WebhookError ? err.response : null, next);
      throw err;
    }
  };
}

/** Queues undelivered alerts now and every `alertSweepMs` while Redis is up (timer unref'd). */
function startSweep(ctx: WorkerContext): void {
  const sweep = () => {
    if (ctx.redis.status !== 'ready') return;
    sweepUndelivered(ctx.db, ctx.queues, Math.max(4 * ctx.config.lockMs, 60_000))
      .then((n) => n > 0 && ctx.logger.info({ queue: 'deliver', alerts: n }, 'queued undelivered alerts'))
      .catch((err: unknown) => ctx.logger.warn({ err: coerceError(err).message }, 'could not queue undelivered alerts; will try again'));
  };
  // At start and after every Redis reconnect (jobs lost with Redis come back), then periodically.
  ctx.redis.on('ready', sweep);
  setTimeout(sweep, 0).unref();
  setInterval(sweep, ctx.config.alertSweepMs).unref();
}
