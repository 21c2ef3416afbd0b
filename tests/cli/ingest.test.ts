/**
 * The record from the command line, as a user runs it: `ingest`, `documents`, `history`, `show`
 * against the real Postgres on 127.0.0.1 and against the embedded PGlite database.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { runCli } from './run-cli.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');
const BULLETIN = join(SEEDS, '002_82c496b701662624.txt');
const POLICY_NUMBERS = ['发改财金规〔2025〕1752号', '发改财金规〔2025〕1753号', '粤金管〔2025〕24号', '沪府办规〔2025〕15号'];

/** Seed 002 with 第五条 of the 1752号 办法 edited, and the notice and document re-dated. */
function revisedBulletin(signed: string): string {
  const text = readFileSync(BULLETIN, 'utf8');
  return text
    .replace('政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业', '政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业和高耗能项目')
    .replace('工业和信息化部\n2025年12月31日', `工业和信息化部\n${signed}`);
}

describe('ingest on Postgres', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;
  let work: string;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    env = { DATABASE_URL: tdb.url! };
    work = mkdtempSync(join(tmpdir(), 'pt-ingest-'));
    server = createServer((req, res) => {
      if (req.url === '/policy.html') {
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.end(readFileSync(join(SEEDS, '004_817478271669fba5.txt')));
      } else {
        res.writeHead(404).end('not found');
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await tdb.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('records each seed document once, and adds nothing the second time', async () => {
    const first = await runCli(['ingest', SEEDS], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('5 inputs read (0 failed) · 12 documents: 12 new, 0 revised, 0 unchanged, 0 failed');

    const again = await runCli(['ingest', SEEDS], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('12 documents: 0 new, 0 revised, 12 unchanged, 0 failed — nothing new to record');

    const list = JSON.parse((await runCli(['documents', '--json', '--on', '2026-06-01'], env)).stdout) as {
      documents: { id: number; docNumber: string | null; kind: string; status: string; versions: number; effective: string | null; expires: string | null }[];
    };
    expect(list.documents).toHaveLength(12);
    expect(list.documents.filter((d) => d.kind === 'policy').map((d) => d.docNumber).filter(Boolean).sort()).toEqual([...POLICY_NUMBERS].sort());
    expect(list.documents.every((d) => d.versions === 1)).toBe(true);
    const shanghai = list.documents.find((d) => d.docNumber === '沪府办规〔2025〕15号')!;
    expect(shanghai).toMatchObject({ status: 'in_force', effective: '2026-01-01', expires: '2030-12-31' });
    expect(Object.keys(list.documents[0]!)).toEqual(expect.arrayContaining(['id', 'docNumber', 'title', 'kind', 'issuers', 'status', 'effective', 'expires', 'versions']));
  });

  it('adds exactly one version for a revised copy, and shows each text on its own days', async () => {
    const revised = join(work, 'bulletin-revised.txt');
    writeFileSync(revised, revisedBulletin('2026年3月1日'));
    const r = await runCli(['ingest', revised], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('8 documents: 0 new, 1 revised, 7 unchanged, 0 failed');

    const h = JSON.parse((await runCli(['history', '发改财金规[2025]1752号', '--json'], env)).stdout) as {
      document: { docNumber: string; versions: number };
      versions: { seq: number; signedOn: string; sources: string[] }[];
    };
    expect(h.document).toMatchObject({ docNumber: '发改财金规〔2025〕1752号', versions: 2 });
    expect(h.versions.map((v) => [v.seq, v.signedOn])).toEqual([
      [1, '2025-12-31'],
      [2, '2026-03-01'],
    ]);
    expect(h.versions[1]!.sources).toEqual([revised]);
    expect(h.versions[0]!.sources).toEqual([BULLETIN]);

    // The revision takes effect on publication (2026-03-01): before that, the first text is in force.
    const before = await runCli(['show', '1752', '--on', '2026-02-01'], env);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('第1版');
    expect(before.stdout).not.toContain('高耗能项目');
    const after = await runCli(['show', '1752', '--on', '2026-03-02'], env);
    expect(after.stdout).toContain('第2版');
    expect(after.stdout).toContain('淘汰类产业和高耗能项目');
  });

  it('reports each bad file on its own line, records the good one, writes nothing for the bad ones', async () => {
    const dir = join(work, 'mixed');
    mkdirSync(dir);
    copyFileSync(join(SEEDS, '004_817478271669fba5.txt'), join(dir, 'a-good.txt'));
    writeFileSync(join(dir, 'b-empty.txt'), '');
    writeFileSync(join(dir, 'c-binary.pdf'), Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(2000, 0)]));
    const countSnapshots = async () => Number((await tdb.db.selectFrom('snapshots').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    const before = await countSnapshots();
    const r = await runCli(['ingest', dir, join(work, 'missing.txt')], env);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines.find((l) => l.includes('missing.txt'))).toMatch(/no such file/);
    expect(lines.find((l) => l.includes('b-empty.txt'))).toMatch(/is empty/);
    expect(lines.find((l) => l.includes('c-binary.pdf'))).toMatch(/PDF/);
    expect(r.stdout).toContain('4 inputs read (3 failed) · 1 documents: 0 new, 0 revised, 1 unchanged, 0 failed');
    // Only the good page (already known by its bytes) is stored; the bad files left no rows.
    expect(await countSnapshots()).toBe(before);
  });

  it('leaves one document and one version when two ingests of the same new file race', async () => {
    const file = join(work, 'race.txt');
    writeFileSync(file, readFileSync(BULLETIN, 'utf8').replaceAll('发改财金规〔2025〕1752号', '发改财金规〔2025〕9999号'));
    const [a, b] = await Promise.all([runCli(['ingest', file], env), runCli(['ingest', file], env)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const rows = await tdb.db
      .selectFrom('documents')
      .innerJoin('versions', 'versions.document_id', 'documents.id')
      .select(['documents.id', 'versions.seq'])
      .where('documents.doc_number', '=', '发改财金规〔2025〕9999号')
      .execute();
    expect(rows).toHaveLength(1);
    const outcomes = `${a.stdout}\n${b.stdout}`;
    expect(outcomes).toMatch(/1 new/);
    expect(outcomes).toMatch(/0 new, 0 revised, 8 unchanged/);
  });

  it('fetches a URL with a plain GET and names the URL as where it was seen', async () => {
    const r = await runCli(['ingest', `${base}/policy.html`], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // New, or already known from the seeds when the earlier tests ran first.
    expect(r.stdout).toMatch(/1 documents: (1 new, 0 revised, 0 unchanged|0 new, 0 revised, 1 unchanged)/);
    const h = JSON.parse((await runCli(['history', '关于金融支持新型工业化的指导意见', '--json'], env)).stdout) as { versions: { sources: string[] }[] };
    expect(h.versions[0]!.sources).toContain(`${base}/policy.html`);
  });

  it('fails with one clear line for a page that is missing or a server that is not there', async () => {
    const missing = await runCli(['ingest', `${base}/nope.html`], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(`policy-tracker: ${base}/nope.html: HTTP 404`);
    const closed = await runCli(['ingest', 'http://127.0.0.1:9/policy.html'], env);
    expect(closed.code).toBe(1);
    expect(closed.stderr.trim()).toBe('policy-tracker: http://127.0.0.1:9/policy.html: connection refused');
  });

  it('names the candidates when a title part is ambiguous, and fails cleanly for an unknown document', async () => {
    const amb = await runCli(['history', '政府投资基金'], env);
    expect(amb.code).toBe(1);
    expect(amb.stderr).toMatch(/发改财金规〔2025〕1752号/);
    expect(amb.stderr).toMatch(/发改财金规〔2025〕1753号/);
    const none = await runCli(['show', '不存在的文件'], env);
    expect(none.code).toBe(1);
    expect(none.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('warns when a run records a text dated before a version recorded in an earlier run, and not within one run', async () => {
    const law = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real', 'kuaiji-fa');
    expect((await runCli(['ingest', join(law, 'new.md')], env)).stderr).toBe('');
    const old = await runCli(['ingest', join(law, 'old.md')], env);
    expect(old.code).toBe(0);
    expect(old.stdout).toContain('1 revised');
    expect(old.stderr).toMatch(/^policy-tracker: warning: .*old\.md: «中华人民共和国会计法» dated 2017-11-04 is recorded as version 2, after version 1 dated 2024-06-28: it is now the latest/);
    // Both in one run: recorded oldest first, nothing to warn about.
    const statistics = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real', 'tongji-fa');
    const both = await runCli(['ingest', statistics], env);
    expect(both.stdout).toContain('1 new, 1 revised');
    expect(both.stderr).toBe('');
  });

  it('links a 细则 to the 办法 it cites when the 办法 comes in a later run; `show` lists both ends', async () => {
    const policies = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real', 'policies');
    expect((await runCli(['ingest', join(policies, 'gz-yinjin-rencai-xize-2022.md')], env)).code).toBe(0);
    const before = await runCli(['show', '穗人社规字〔2022〕2号'], env);
    expect(before.stdout).toContain('引用 《广州市人民政府办公厅关于印发广州市引进人才入户管理办法的通知》 穗府办规〔2020〕10号（尚未收录）');
    expect((await runCli(['ingest', join(policies, 'gz-yinjin-rencai-banfa-2020.md')], env)).code).toBe(0);
    const rules = await runCli(['show', '穗人社规字〔2022〕2号'], env);
    expect(rules.stdout).toMatch(/\n关联文件\n/);
    expect(rules.stdout).toMatch(/引用 #\d+ 《广州市引进人才入户管理办法》 穗府办规〔2020〕10号\n/);
    const json = JSON.parse((await runCli(['show', '穗府办规〔2020〕10号', '--json'], env)).stdout) as { relations: { kind: string; direction: string; docNumber: string | null }[] };
    expect(json.relations).toContainEqual(expect.objectContaining({ kind: 'cites', direction: 'in', docNumber: '穗人社规字〔2022〕2号' }));
  });
});

describe('ingest on the embedded database (no DATABASE_URL)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'pt-pglite-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('records the seeds in ./.policy-tracker by default and adds nothing the second time', async () => {
    const first = await runCli(['ingest', SEEDS], {}, dir);
    expect(first.stderr).toBe('');
    expect(first.stdout).toContain('12 documents: 12 new, 0 revised, 0 unchanged, 0 failed');
    const again = await runCli(['ingest', SEEDS], {}, dir);
    expect(again.stdout).toContain('12 unchanged, 0 failed — nothing new to record');
    const list = await runCli(['documents'], {}, dir);
    expect(list.stdout).toContain('沪府办规〔2025〕15号');
    expect(list.stdout).toContain('现行有效');
  });

  it('keeps a separate database under --data-dir', async () => {
    const other = join(dir, 'other-db');
    const r = await runCli(['ingest', join(SEEDS, '004_817478271669fba5.txt'), '--data-dir', other], {}, dir);
    expect(r.stdout).toContain('1 documents: 1 new');
    const list = JSON.parse((await runCli(['documents', '--json', '--data-dir', other], {}, dir)).stdout) as { documents: unknown[] };
    expect(list.documents).toHaveLength(1);
  });
});
