/**
 * Structured logs of the workers: pino, JSON lines on stderr (stdout stays for command output).
 * Every line about a job carries `queue`, `jobId` and `attempt`.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** A pino logger at `level`, writing JSON lines to stderr. */
export function createLogger(level: string, bindings: Record<string, unknown> = {}): Logger {
  return pino({ level, base: { pid: process.pid, ...bindings } }, pino.destination({ fd: 2, sync: false }));
}
