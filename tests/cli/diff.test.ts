/**
 * `diff` from the command line, as a user runs it: the changes between recorded versions as
 * JSON, a terminal report, and the 新旧对照表 in Markdown and HTML; on the real Postgres, and
 * once on the embedded PGlite database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { INSERTED_ARTICLE, SEED_002, seed002WithInsertedArticle, UNTRUSTED_V1, UNTRUSTED_V2 } from '../fixtures/diff/revisions.ts';
import { runCli } from './run-cli.ts';

const CN = ['二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];
const RENUMBERED = CN.slice(0, 13).map((n, i) => ['renumbered', `第${n}条`, `第${CN[i + 1]}条`]);
const UNTRUSTED = '测府办规〔2026〕3号';

interface DiffJson {
  changes: { op: string; old: string | null; new: string | null; similarity: number; diff: { op: string; text: string }[]; newText: string | null }[];
  summary: Record<string, number>;
  document: { id: number; docNumber: string | null; title: string };
  from: { seq: number; signedOn: string | null; effective: string | null };
  to: { seq: number; signedOn: string | null; effective: string | null };
}

const ops = (j: DiffJson) => j.changes.map((c) => [c.op, c.old, c.new]);

describe('diff on Postgres', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let work: string;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    env = { DATABASE_URL: tdb.url! };
    work = mkdtempSync(join(tmpdir(), 'pt-diff-'));
    const inserted = join(work, 'bulletin-inserted.txt');
    writeFileSync(inserted, seed002WithInsertedArticle());
    // A third version of the untrusted policy: 第三条 edited as well.
    const v3 = join(work, 'untrusted-v3.txt');
    writeFileSync(v3, readFileSync(UNTRUSTED_V2, 'utf8').replace('最高不超过200万元', '最高不超过300万元'));
    for (const f of [SEED_002, inserted, UNTRUSTED_V1, UNTRUSTED_V2, v3]) {
      const r = await runCli(['ingest', f], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
  afterAll(async () => {
    await tdb?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('--format json: the inserted 第二条 and thirteen renumbered articles, with the document and versions', async () => {
    const r = await runCli(['diff', '1752', '--format', 'json'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as DiffJson;
    expect(Object.keys(j)).toEqual(['changes', 'summary', 'document', 'from', 'to']);
    expect(ops(j)).toEqual([['added', null, '第二条'], ...RENUMBERED]);
    expect(j.changes[0]!.diff).toEqual([{ op: 'insert', text: INSERTED_ARTICLE }]);
    expect(j.summary).toEqual({ modified: 0, added: 1, deleted: 0, renumbered: 13, unchanged: 1, moved: 0 });
    expect(j.document).toMatchObject({ docNumber: '发改财金规〔2025〕1752号', title: '关于加强政府投资基金布局规划和投向指导的工作办法(试行)' });
    expect(j.from).toEqual({ seq: 1, signedOn: '2025-12-31', effective: '2025-12-31' });
    expect(j.to).toEqual({ seq: 2, signedOn: '2025-12-31', effective: '2025-12-31' });
    // The same as recorded at ingest.
    const stored = await tdb.db
      .selectFrom('changes')
      .innerJoin('versions', 'versions.id', 'changes.version_id')
      .select(['changes.op', 'changes.old_path', 'changes.new_path'])
      .where('versions.document_id', '=', j.document.id)
      .orderBy('changes.ord')
      .execute();
    expect(stored.map((s) => [s.op, s.old_path, s.new_path])).toEqual(ops(j));
  });

  it('history lists what changed in each version', async () => {
    const text = await runCli(['history', '1752'], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('      新增 第二条 · 重新编号 13 条\n');
    const j = JSON.parse((await runCli(['history', '1752', '--json'], env)).stdout) as { versions: { seq: number; changes: unknown }[] };
    expect(j.versions.map((v) => v.changes)).toEqual([null, { modified: 0, added: 1, deleted: 0, renumbered: 13, moved: 0 }]);
    const three = await runCli(['history', UNTRUSTED], env);
    expect(three.stdout).toContain('修改 第二条、第六条 · 新增 第四条 · 删除 第五条 · 重新编号 1 条');
    expect(three.stdout).toContain('修改 第三条\n');
  });

  it('--format text: the report of `compare` under a heading', async () => {
    const r = await runCli(['diff', '1752'], env);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      '关于加强政府投资基金布局规划和投向指导的工作办法(试行)',
      '发改财金规〔2025〕1752号',
      '第1版（成文 2025-12-31，施行 2025-12-31） → 第2版（成文 2025-12-31，施行 2025-12-31）',
    ]);
    expect(r.stdout).toContain(`第二条  新增\n    {+${INSERTED_ARTICLE}+}`);
    expect(r.stdout).toContain('第十三条 → 第十四条  重新编号');
    expect(r.stdout).toContain('修改 0 · 新增 1 · 删除 0 · 重新编号 13 · 移动 0 · 未变 1');
  });

  it('--format md: the 新旧对照表 with a row for the new 第二条', async () => {
    const r = await runCli(['diff', '1752', '--format', 'md'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('# 关于加强政府投资基金布局规划和投向指导的工作办法(试行)');
    expect(lines).toContain('## 新旧对照表');
    expect(lines).toContain('| 修改前 | 修改后 |');
    expect(lines).toContain(`|  | 第二条（新增）　**${INSERTED_ARTICLE}** |`);
    expect(lines).toContain('| 第十三条 | 第十四条（仅序号变化） |');
    expect(lines.filter((l) => l.startsWith('| ')).length).toBe(2 + 14);
  });

  it('--format html: one table, a row per change, insertions marked', async () => {
    const r = await runCli(['diff', '1752', '--format', 'html'], env);
    expect(r.code).toBe(0);
    const html = r.stdout;
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html.match(/<table>/g)).toHaveLength(1);
    expect(html.match(/<\/table>/g)).toHaveLength(1);
    expect(html.match(/<tr[ >]/g)).toHaveLength(1 + 14);
    expect(html).toContain(`<ins>${INSERTED_ARTICLE}</ins>`);
    expect(html).toContain('第二条 → 第三条（仅序号变化）');
    expect(html).not.toMatch(/<script|<link|\ssrc=|\shref=/i);
  });

  it('--format html escapes a policy text that holds <script>', async () => {
    const r = await runCli(['diff', UNTRUSTED, '--from', '1', '--to', '2', '--format', 'html'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(/<script/i);
    expect(r.stdout).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(r.stdout).toContain('给予一次性奖励<del>50</del>万元');
    expect(r.stdout).toContain('给予一次性奖励<ins>最高100</ins>万元');
  });

  it('compares any two versions directly, not only consecutive ones', async () => {
    const last = JSON.parse((await runCli(['diff', UNTRUSTED, '--format', 'json'], env)).stdout) as DiffJson;
    expect([last.from.seq, last.to.seq]).toEqual([2, 3]);
    expect(ops(last)).toEqual([['modified', '第三条', '第三条']]);
    const span = JSON.parse((await runCli(['diff', UNTRUSTED, '--from', '1', '--to', '3', '--format', 'json'], env)).stdout) as DiffJson;
    expect([span.from.seq, span.to.seq]).toEqual([1, 3]);
    expect(ops(span)).toEqual([
      ['modified', '第二条', '第二条'],
      ['modified', '第三条', '第三条'],
      ['added', null, '第四条'],
      ['renumbered', '第四条', '第五条'],
      ['deleted', '第五条', null],
      ['modified', '第六条', '第六条'],
    ]);
    const fromOnly = JSON.parse((await runCli(['diff', UNTRUSTED, '--from', '1', '--format', 'json'], env)).stdout) as DiffJson;
    expect([fromOnly.from.seq, fromOnly.to.seq]).toEqual([1, 3]);
    const toOnly = JSON.parse((await runCli(['diff', UNTRUSTED, '--to', '2', '--format', 'json'], env)).stdout) as DiffJson;
    expect([toOnly.from.seq, toOnly.to.seq]).toEqual([1, 2]);
  });

  it('computes and records changes that are missing (recorded before this feature)', async () => {
    const before = JSON.parse((await runCli(['diff', '1752', '--format', 'json'], env)).stdout) as DiffJson;
    await tdb.db.deleteFrom('changes').execute();
    await tdb.db.deleteFrom('version_comparisons').execute();
    const r = await runCli(['diff', '1752', '--format', 'json'], env);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(before);
    const rows = await tdb.db.selectFrom('changes').select('id').where('version_id', 'in', tdb.db.selectFrom('versions').select('id').where('document_id', '=', before.document.id)).execute();
    expect(rows).toHaveLength(14);
  });

  it('fails with one line and exit 1 for the same version twice or an unknown version', async () => {
    const same = await runCli(['diff', '1752', '--from', '1', '--to', '1'], env);
    expect(same.code).toBe(1);
    expect(same.stdout).toBe('');
    expect(same.stderr).toBe('policy-tracker: --from and --to name the same version (第1版) of 发改财金规〔2025〕1752号: give two different versions\n');
    const unknown = await runCli(['diff', '1752', '--to', '5'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toBe('policy-tracker: 发改财金规〔2025〕1752号 has no version 5: recorded versions are 1, 2 (see `history 1752`)\n');
    const first = await runCli(['diff', '1752', '--to', '1'], env);
    expect(first.code).toBe(1);
    expect(first.stderr).toBe('policy-tracker: 第1版 is the first recorded version of 发改财金规〔2025〕1752号: there is nothing before it to compare with\n');
    const bad = await runCli(['diff', '1752', '--from', 'x'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    const format = await runCli(['diff', '1752', '--format', 'pdf'], env);
    expect(format.code).toBe(2);
  });

  it('says clearly that a document with one version has nothing to compare (exit 1)', async () => {
    const r = await runCli(['diff', '1753'], env);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('policy-tracker: 发改财金规〔2025〕1753号 has only one recorded version (第1版): there is nothing to compare yet\n');
  });
});

describe('diff on the embedded database (no DATABASE_URL)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pt-diff-pglite-'));
    writeFileSync(join(dir, 'bulletin-inserted.txt'), seed002WithInsertedArticle());
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('records at ingest and shows the inserted 第二条 and the renumbered articles', async () => {
    expect((await runCli(['ingest', SEED_002], {}, dir)).code).toBe(0);
    const second = await runCli(['ingest', 'bulletin-inserted.txt'], {}, dir);
    expect(second.stdout).toContain('1 revised');
    const r = await runCli(['diff', '1752', '--format', 'json'], {}, dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(ops(JSON.parse(r.stdout) as DiffJson)).toEqual([['added', null, '第二条'], ...RENUMBERED]);
    const md = await runCli(['diff', '1752', '--format', 'md'], {}, dir);
    expect(md.stdout).toContain(`|  | 第二条（新增）　**${INSERTED_ARTICLE}** |`);
  });
});
