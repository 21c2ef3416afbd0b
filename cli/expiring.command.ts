/**
 * `expiring [--within 90d] [--on DATE] [--limit N [--after CURSOR]] [--json]`: documents and
 * measures that end within a window, soonest first, with the sentence their date comes from.
 * Text output is Chinese. With `--limit`, a full page ends with the cursor of the next one
 * (`next` in the JSON, an extension of the contract).
 */
import type { Command } from 'commander';
import { findExpiring, type ExpiringItem } from '../db/expiring.repository.ts';
import { addDays, addMonths, addYears } from '../pipeline/dates.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, dayOf, withDatabase } from './database.ts';
import { STATUS_ZH } from './record.command.ts';

/** Default window: the warning window of pipeline/status.ts. */
const DEFAULT_WITHIN = '90d';

const MEASURE_KIND_ZH: Record<string, string> = { support: '支持', requirement: '要求', prohibition: '禁止', target: '目标' };

/**
 * Last day of a window of `within` (`90d`, `6m`, `1y`; a bare number is days) starting on `on`.
 * @throws Error naming the accepted forms when `within` is not one of them.
 */
export function windowEnd(on: string, within: string): string {
  const m = /^\s*(\d{1,4})\s*([dmy]?)\s*$/i.exec(within);
  if (m === null || Number(m[1]) === 0) throw new Error(`--within expects a length such as 90d, 6m or 1y, got "${within}"`);
  const n = Number(m[1]);
  const unit = (m[2] || 'd').toLowerCase();
  if (unit === 'd') return addDays(on, n);
  return unit === 'm' ? addMonths(on, n) : addYears(on, n);
}

function clip(s: string, n: number): string {
  const chars = [...s.replace(/\s+/gu, ' ')];
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : chars.join('');
}

function itemLines(it: ExpiringItem): string {
  const what = it.kind === 'document' ? '文件' : `措施·${MEASURE_KIND_ZH[it.measureKind ?? ''] ?? it.measureKind}`;
  const doc = `${it.document.docNumber ? `${it.document.docNumber} ` : ''}《${clip(it.document.title, 40)}》`;
  const where = it.path ? ` ${it.path}` : '';
  const amounts = it.amounts && it.amounts.length > 0 ? `  金额：${it.amounts.join('、')}` : '';
  return (
    `${it.endsOn}  剩余${String(it.daysLeft).padStart(4)}天  ${(STATUS_ZH[it.status] ?? it.status)}  [${what}] ${doc}${where}${amounts}\n` +
    `            依据：${it.basis ? clip(it.basis, 120) : '—'}\n`
  );
}

export function registerExpiring(program: Command): void {
  program
    .command('expiring')
    .description('documents and measures that end within a window, soonest first, with the sentence their date comes from')
    .option('--within <length>', 'window length: 90d, 6m, 1y', DEFAULT_WITHIN)
    .option('--on <date>', 'first day of the window (YYYY-MM-DD; default today in China)')
    .option('--limit <n>', 'at most this many items (a page)')
    .option('--after <cursor>', 'the page after this one: the cursor a full page ends with ("next")')
    .option('--json', 'print the JSON contract')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { within: string; on?: string; limit?: string; after?: string; json?: boolean; dataDir?: string }) => {
      const on = dayOf(opts.on);
      const until = windowEnd(on, opts.within);
      let limit: number | undefined;
      if (opts.limit !== undefined) {
        limit = Number(opts.limit);
        if (!Number.isInteger(limit) || limit <= 0) throw new Error(`--limit expects a positive whole number, got "${opts.limit}"`);
      }
      if (opts.after !== undefined && limit === undefined) throw new Error('--after goes with --limit (it names where the previous page ended)');
      await withDatabase(opts, async (db) => {
        const list = await findExpiring(db, { on, until, ...(limit !== undefined ? { limit } : {}), ...(opts.after !== undefined ? { after: opts.after } : {}) });
        if (opts.json) {
          const page = limit !== undefined ? { next: list.next } : {};
          process.stdout.write(`${JSON.stringify({ on, until, within: opts.within, items: list.items, ...page }, null, 2)}\n`);
          return;
        }
        if (list.items.length === 0) {
          process.stdout.write(`${on} 至 ${until} 期间没有${opts.after !== undefined ? '更多' : ''}到期的文件或措施。\n`);
          return;
        }
        const paged = limit !== undefined ? '本页' : '';
        process.stdout.write(`${on} 至 ${until} 期间到期：${paged}${list.items.length} 项（到期日 · 剩余天数 · 状态 · 依据）\n`);
        for (const it of list.items) process.stdout.write(itemLines(it));
        if (list.next !== null) process.stdout.write(`下一页：--limit ${limit} --after ${list.next}\n`);
      });
    });
}
