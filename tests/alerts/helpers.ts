/**
 * Helpers of the alert tests: a real HTTP server receiving webhooks (checking each signature
 * with the subscription's secret) and a real SMTP server (smtp-server) in the test process.
 */
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import { verifySignature } from '../../workers/webhook.ts';

export interface ReceivedHook {
  readonly alertId: string;
  readonly signature: string;
  readonly validSignature: boolean;
  readonly body: string;
  readonly json: Record<string, unknown>;
  readonly status: number;
}

/** What the receiver answers to the n-th request (1-based); `delayMs` holds the answer back. */
export type HookBehaviour = (n: number) => { status: number; delayMs?: number };

export interface HookReceiver {
  readonly url: string;
  /** Every request, in order, with the answer given (pushed when answered). */
  readonly received: ReceivedHook[];
  /** Alert ids of the requests as they arrive, before any answer. */
  readonly arrivals: string[];
  /** Requests that were answered 2xx. */
  accepted(): ReceivedHook[];
  /** The secret to verify signatures with (set once the subscription exists). */
  secret: string;
  behave(b: HookBehaviour): void;
  close(): Promise<void>;
}

export async function startHookReceiver(path = '/hook'): Promise<HookReceiver> {
  let behaviour: HookBehaviour = () => ({ status: 200 });
  const received: ReceivedHook[] = [];
  const arrivals: string[] = [];
  const state = { secret: '' };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const signature = String(req.headers['x-policy-signature'] ?? '');
      arrivals.push(String(req.headers['x-policy-alert-id'] ?? ''));
      const { status, delayMs } = behaviour(arrivals.length);
      let json: Record<string, unknown> = {};
      try {
        json = JSON.parse(body) as Record<string, unknown>;
      } catch {
        /* kept as empty */
      }
      const hook = {
        alertId: String(req.headers['x-policy-alert-id'] ?? ''),
        signature,
        validSignature: verifySignature(state.secret, body, signature, Math.floor(Date.now() / 1000)),
        body,
        json,
        status,
      };
      const answer = () => {
        received.push(hook);
        res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try later');
      };
      if (delayMs) setTimeout(answer, delayMs);
      else answer();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    received,
    arrivals,
    accepted: () => received.filter((h) => h.status < 300),
    get secret() {
      return state.secret;
    },
    set secret(s: string) {
      state.secret = s;
    },
    behave: (b) => void (behaviour = b),
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
}

export interface MailReceiver {
  readonly url: string;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

/** A plain SMTP server on 127.0.0.1 (no TLS, no auth) keeping every message. */
export async function startMailReceiver(): Promise<MailReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((r) => server.close(() => r())) };
}
