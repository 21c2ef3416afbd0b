/**
 * `expiring` as a user runs it: the seeds and a stand-in for the 2016 fund rules ingested, then
 * the window asked for on chosen days, on Postgres (DATABASE_URL) and once on PGlite.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { windowEnd } from '../../cli/expiring.command.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { runCli } from './run-cli.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const SEEDS = join(ROOT, 'seeds');
const RULES_2016 = join(ROOT, 'tests', 'fixtures', 'measures', 'fagai-caijin-2016-2800.txt');

interface Item {
  kind: string;
  document: { id: number; docNumber: string | null; title: string };
  path: string | null;
  endsOn: string;
  status: string;
  basis: string | null;
  daysLeft: number;
}

it('reads --within as days, months or years', () => {
  expect(windowEnd('2027-10-15', '90d')).toBe('2028-01-13');
  expect(windowEnd('2027-10-15', '6m')).toBe('2028-04-15');
  expect(windowEnd('2027-10-15', '1y')).toBe('2028-10-15');
  expect(windowEnd('2027-10-15', '30')).toBe('2027-11-14');
  expect(() => windowEnd('2027-10-15', 'soon')).toThrow(/90d, 6m or 1y/);
});

describe('expiring on Postgres', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    env = { DATABASE_URL: tdb.url! };
    const ingest = await runCli(['ingest', SEEDS, RULES_2016], env);
    expect(ingest.stderr).toBe('');
    expect(ingest.code).toBe(0);
  }, 180_000);
  afterAll(async () => {
    await tdb?.close();
  });

  it('--on 2027-10-15 --within 90d --json: the Guangdong interest subsidy window, a measure ending before its document', async () => {
    const r = await runCli(['expiring', '--on', '2027-10-15', '--within', '90d', '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { items: Item[]; on: string; until: string };
    expect(out).toMatchObject({ on: '2027-10-15', until: '2028-01-13' });
    expect(out.items).toHaveLength(1);
    expect(out.items[0]).toMatchObject({
      kind: 'measure',
      document: { docNumber: '粤金管〔2025〕24号', title: '广东省推动金融服务科技强省建设工作方案' },
      path: '三/(二)/7',
      endsOn: '2027-12-31',
      status: 'expiring',
      daysLeft: 77,
    });
    expect(out.items[0]!.basis).toContain('2025年5月1日至2027年12月31日');
  });

  it('--on 2030-10-15: 1752 ends 2030-12-30 and the Shanghai measures 2030-12-31; the repealed 2016 rules are not listed', async () => {
    const r = await runCli(['expiring', '--on', '2030-10-15', '--json'], env);
    const { items } = JSON.parse(r.stdout) as { items: Item[] };
    expect(items.map((i) => [i.document.docNumber, i.endsOn])).toEqual([
      ['发改财金规〔2025〕1752号', '2030-12-30'],
      ['发改财金规〔2025〕1753号', '2030-12-30'],
      ['沪府办规〔2025〕15号', '2030-12-31'],
    ]);
    const all = JSON.parse((await runCli(['expiring', '--on', '2026-01-01', '--within', '10y', '--json'], env)).stdout) as { items: Item[] };
    expect(all.items.some((i) => i.document.docNumber === '发改财金规〔2016〕2800号')).toBe(false);
    const docs = JSON.parse((await runCli(['documents', '--on', '2027-10-15', '--json'], env)).stdout) as {
      documents: { docNumber: string | null; status: string }[];
    };
    expect(docs.documents.find((d) => d.docNumber === '发改财金规〔2016〕2800号')?.status).toBe('repealed');
  });

  it('prints Chinese text: 到期日, 剩余天数, 依据', async () => {
    const r = await runCli(['expiring', '--on', '2027-10-15'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('2027-10-15 至 2028-01-13 期间到期：1 项');
    expect(r.stdout).toMatch(/2027-12-31 {2}剩余 {2}77天 {2}即将到期 {2}\[措施·支持\] 粤金管〔2025〕24号/);
    expect(r.stdout).toContain('依据：省财政对在2025年5月1日至2027年12月31日发放的');
    const none = await runCli(['expiring', '--on', '2026-06-01', '--within', '6m'], env);
    expect(none.stdout).toBe('2026-06-01 至 2026-12-01 期间没有到期的文件或措施。\n');
  });

  it('--limit pages the window soonest first; --after the printed cursor gives the rest, then nothing', async () => {
    const whole = JSON.parse((await runCli(['expiring', '--on', '2027-01-01', '--within', '5y', '--json'], env)).stdout) as { items: Item[] };
    expect(whole.items.map((i) => [i.document.docNumber, i.path, i.endsOn])).toEqual([
      ['粤金管〔2025〕24号', '三/(二)/7', '2027-12-31'],
      ['发改财金规〔2025〕1752号', null, '2030-12-30'],
      ['发改财金规〔2025〕1753号', null, '2030-12-30'],
      ['沪府办规〔2025〕15号', null, '2030-12-31'],
    ]);
    const first = JSON.parse((await runCli(['expiring', '--on', '2027-01-01', '--within', '5y', '--limit', '2', '--json'], env)).stdout) as { items: Item[]; next: string | null };
    expect(first.items).toEqual(whole.items.slice(0, 2));
    expect(first.next).toEqual(expect.any(String));
    const text = await runCli(['expiring', '--on', '2027-01-01', '--within', '5y', '--limit', '2'], env);
    expect(text.stdout).toContain('期间到期：本页2 项');
    expect(text.stdout).toContain(`下一页：--limit 2 --after ${first.next}\n`);
    const second = JSON.parse((await runCli(['expiring', '--on', '2027-01-01', '--within', '5y', '--limit', '2', '--after', first.next!, '--json'], env)).stdout) as { items: Item[]; next: string | null };
    expect(second.items).toEqual(whole.items.slice(2, 4));
    const third = await runCli(['expiring', '--on', '2027-01-01', '--within', '5y', '--limit', '2', '--after', second.next!], env);
    expect(third.stdout).toBe('2027-01-01 至 2032-01-01 期间没有更多到期的文件或措施。\n');
    const bad = await runCli(['expiring', '--limit', '2', '--after', '2027-12-31'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('policy-tracker: not a cursor of the expiring list: "2027-12-31" (use the "next" value of the previous page)\n');
  });

  it('rejects a bad window or day with one line and exit 1', async () => {
    const bad = await runCli(['expiring', '--within', 'soon'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('policy-tracker: --within expects a length such as 90d, 6m or 1y, got "soon"\n');
    const badDay = await runCli(['expiring', '--on', '2027-13-01'], env);
    expect(badDay.code).toBe(1);
    expect(badDay.stderr).toContain('--on expects a date as YYYY-MM-DD');
  });
});

describe('expiring on PGlite', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pt-expiring-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same window on the embedded database', async () => {
    const ingest = await runCli(['ingest', join(SEEDS, '002_82c496b701662624.txt'), RULES_2016, '--data-dir', dir]);
    expect(ingest.code).toBe(0);
    const r = await runCli(['expiring', '--on', '2027-10-15', '--within', '1y', '--json', '--data-dir', dir]);
    expect(r.stderr).toBe('');
    const { items } = JSON.parse(r.stdout) as { items: Item[] };
    expect(items.map((i) => [i.kind, i.document.docNumber, i.path, i.endsOn, i.status])).toEqual([
      ['measure', '粤金管〔2025〕24号', '三/(二)/7', '2027-12-31', 'expiring'],
    ]);
  }, 180_000);
});
