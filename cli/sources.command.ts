/**
 * `policy-tracker sources add|list|remove`: the sources the workers fetch on a schedule, stored
 * in Postgres, each with a BullMQ job scheduler kept in step. A source is an http(s) page (a
 * document, or a listing with --links) or a local file or directory (stored as its file:// URL).
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { getConfig, getWorkerConfig } from '../config.ts';
import { deleteSource, findSourceByRef, listSources, upsertSource, type Source } from '../db/source.repository.ts';
import type { Queues } from '../workers/queues.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `15m`, `1h`, `1d` → seconds. @throws Error with the expected form. */
export function parseEvery(text: string): number {
  const m = /^(\d+)\s*([smhd])$/.exec(text.trim());
  if (!m || Number(m[1]) < 1) throw new Error(`--every expects a period like 90s, 15m, 1h or 1d, got "${text}"`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

function formatEvery(seconds: number): string {
  for (const [u, n] of [['d', 86400], ['h', 3600], ['m', 60]] as const) if (seconds % n === 0) return `${seconds / n}${u}`;
  return `${seconds}s`;
}

function sourceLine(s: Source): string {
  const flags = [s.render ? 'render' : null, s.linksSelector ? `links "${s.linksSelector}"` : null].filter(Boolean).join(', ');
  const health = s.health === 'ok' ? 'ok' : `BROKEN (${s.brokenReason})`;
  const last = s.lastFetchedAt ? `last ${s.lastFetchedAt.slice(0, 19).replace('T', ' ')}Z ${s.kind === 'file' ? 'read' : `HTTP ${s.lastStatus ?? '—'}`}` : 'never fetched';
  return `#${String(s.id).padEnd(4)} every ${formatEvery(s.everySeconds).padEnd(4)} ${health.padEnd(6)} ${s.location}${flags ? `  [${flags}]` : ''}  · ${last}${s.lastError ? ` · ${s.lastError}` : ''}`;
}

const IS_HTTP = /^https?:\/\//i;

/**
 * The stored location of what the user named: an http(s) URL as given (normalised), a file://
 * URL or a path as the file:// URL of an existing file or directory.
 * @throws Error saying what is wrong (not a URL, no such file, another scheme).
 */
export async function sourceLocation(arg: string): Promise<{ location: string; file: boolean }> {
  if (IS_HTTP.test(arg)) {
    try {
      return { location: new URL(arg).toString(), file: false };
    } catch {
      throw new Error(`"${arg}" is not a URL; give the full http(s) address`);
    }
  }
  let path: string;
  if (/^file:/i.test(arg)) {
    try {
      path = fileURLToPath(arg);
    } catch (err) {
      throw new Error(`"${arg}" is not a usable file:// URL (${(err as Error).message})`);
    }
  } else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(arg)) {
    throw new Error(`"${arg}" is neither an http(s) URL nor a file or directory`);
  } else path = resolve(arg);
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new Error(`${arg}: no such file or directory`);
  }
  if (!st.isFile() && !st.isDirectory()) throw new Error(`${arg} is neither a regular file nor a directory`);
  return { location: pathToFileURL(path).href, file: true };
}

/** Schedules (or unschedules) in Redis; when Redis is away, says the next worker start will. */
async function inRedis(what: string, fn: (queues: Queues, schedules: typeof import('../workers/schedules.ts')) => Promise<void>): Promise<void> {
  try {
    const { withQueues } = await import('../workers/cli-queues.ts');
    const schedules = await import('../workers/schedules.ts');
    await withQueues(getConfig().redisUrl, getWorkerConfig(), (q) => fn(q, schedules));
  } catch (err) {
    process.stderr.write(`policy-tracker: warning: ${(err as Error).message}; ${what} when a worker next starts (it syncs schedules from the database)\n`);
  }
}

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('the pages fetched on a schedule by the workers');

  sources
    .command('add')
    .description('add (or update) a source: a document page, a listing page with --links, or a local file or directory')
    .argument('<url|path>', 'http(s) URL of the page, or a file or directory (a path or a file:// URL)')
    .requiredOption('--every <period>', 'how often to fetch it: 90s, 15m, 1h, 1d')
    .option('--render', 'load the page in Chromium (for pages that build their text in JavaScript)')
    .option('--links <selector>', 'a listing: follow the new links matched by this CSS selector')
    .option('--wait-for <selector>', 'with --render: wait for this element instead of network idle')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (url: string, opts: { every: string; render?: boolean; links?: string; waitFor?: string; dataDir?: string }) => {
      const everySeconds = parseEvery(opts.every);
      const { location, file } = await sourceLocation(url);
      if (file && (opts.render || opts.links || opts.waitFor)) {
        throw new Error('--render, --links and --wait-for apply to web pages, not to files or directories');
      }
      if (opts.waitFor && !opts.render) throw new Error('--wait-for only applies with --render');
      const { source, created } = await withDatabase(opts, (db) =>
        upsertSource(db, { location, everySeconds, render: !!opts.render, linksSelector: opts.links ?? null, waitFor: opts.waitFor ?? null, file }),
      );
      await inRedis('it will be scheduled', (q, s) => s.scheduleSource(q.fetch, source));
      process.stdout.write(`${created ? 'added' : 'updated'} ${sourceLine(source)}\n`);
    });

  sources
    .command('list')
    .description('the sources, their schedule and health')
    .option('--json', 'print JSON')
    .option('--all', 'include inactive sources')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { json?: boolean; all?: boolean; dataDir?: string }) => {
      const list = await withDatabase(opts, (db) => listSources(db, { all: !!opts.all }));
      if (opts.json) process.stdout.write(`${JSON.stringify({ sources: list }, null, 2)}\n`);
      else process.stdout.write(list.length === 0 ? 'no sources; add one with `policy-tracker sources add <url> --every 1h`\n' : `${list.map(sourceLine).join('\n')}\n`);
    });

  sources
    .command('remove')
    .description('remove a source and its schedule (snapshots and documents stay)')
    .argument('<ref>', 'the source id, URL, or path of a file source')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (ref: string, opts: { dataDir?: string }) => {
      const source = await withDatabase(opts, async (db) => {
        // A path names the file:// URL it was added as (even if the file is gone by now).
        const s = (await findSourceByRef(db, ref)) ?? (/^\d+$|^[a-z][a-z0-9+.-]*:/i.test(ref) ? null : await findSourceByRef(db, pathToFileURL(resolve(ref)).href));
        if (!s) throw new Error(`no source "${ref}"; see \`policy-tracker sources list\``);
        await deleteSource(db, s.id);
        return s;
      });
      await inRedis('its schedule will be removed', (q, s) => s.unscheduleSource(q.fetch, source.id));
      process.stdout.write(`removed #${source.id} ${source.location}\n`);
    });
}
