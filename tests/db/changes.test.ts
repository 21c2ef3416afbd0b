/**
 * The changes between consecutive versions, recorded at ingest: seed 002, then the same page with
 * a new 第二条 inserted into the 1752号 办法 (renumbering 第二条–第十四条), on both backends.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestOne } from '../../cli/ingest.command.ts';
import { changesOfVersions, recordChanges, storedChanges, versionChanges } from '../../db/changes.repository.ts';
import { documentHistory } from '../../db/document.repository.ts';
import { BACKENDS, clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { INSERTED_ARTICLE, SEED_002, seed002WithInsertedArticle } from '../fixtures/diff/revisions.ts';

const NUMBER = '发改财金规〔2025〕1752号';
const CN = ['二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];
/** 第二条 → 第三条 … 第十四条 → 第十五条. */
const RENUMBERED = CN.slice(0, 13).map((n, i) => [`第${n}条`, `第${CN[i + 1]}条`]);

describe.each(BACKENDS)('changes between versions on %s', (backend) => {
  let t: TestDatabase;
  let work: string;
  let revised: string;

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    work = mkdtempSync(join(tmpdir(), 'pt-changes-'));
    revised = join(work, 'bulletin-inserted.txt');
    writeFileSync(revised, seed002WithInsertedArticle());
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await clearDatabase(t.db);
  });

  /** Ingest seed 002, then the revised copy, as `ingest` does; the 1752号 document's two versions. */
  async function ingestBoth(): Promise<{ documentId: number; v1: number; v2: number }> {
    const first = await ingestOne(t.db, SEED_002);
    expect(first.error).toBeNull();
    const second = await ingestOne(t.db, revised);
    expect(second.error).toBeNull();
    const doc = second.documents.find((d) => d.docNumber === NUMBER)!;
    expect(doc).toMatchObject({ outcome: 'revised', seq: 2 });
    // Only the 1752号 办法 changed on the page.
    expect(second.documents.filter((d) => d.outcome !== 'unchanged')).toHaveLength(1);
    const versions = await t.db.selectFrom('versions').select(['id', 'seq']).where('document_id', '=', doc.documentId!).orderBy('seq').execute();
    return { documentId: doc.documentId!, v1: versions[0]!.id, v2: versions[1]!.id };
  }

  async function changeRows(versionId: number) {
    return t.db
      .selectFrom('changes')
      .select(['ord', 'op', 'old_path', 'new_path', 'similarity', 'prev_version_id'])
      .where('version_id', '=', versionId)
      .orderBy('ord')
      .execute();
  }

  it('records one added 第二条 and thirteen renumbered articles at ingest, nothing modified', async () => {
    const { v1, v2 } = await ingestBoth();
    const rows = await changeRows(v2);
    expect(rows.map((r) => [r.op, r.old_path, r.new_path])).toEqual([
      ['added', null, '第二条'],
      ...RENUMBERED.map(([o, n]) => ['renumbered', o, n]),
    ]);
    expect(rows.map((r) => r.ord)).toEqual([...rows.keys()]);
    expect(rows.every((r) => r.prev_version_id === v1)).toBe(true);
    expect(rows.filter((r) => r.op === 'renumbered').every((r) => r.similarity === 1)).toBe(true);

    const stored = (await storedChanges(t.db, v2))!;
    expect(stored.summary).toEqual({ modified: 0, added: 1, deleted: 0, renumbered: 13, moved: 0, unchanged: 1 });
    expect(stored.changes[0]).toMatchObject({
      op: 'added',
      old: null,
      new: '第二条',
      similarity: 0,
      diff: [{ op: 'insert', text: INSERTED_ARTICLE }],
      oldLabel: null,
      newLabel: '第二条',
      oldText: null,
      newText: INSERTED_ARTICLE,
    });
    expect(stored.changes[1]).toMatchObject({ op: 'renumbered', old: '第二条', new: '第三条', oldLabel: '第二条', newLabel: '第三条' });
    expect(stored.changes[1]!.oldText).toBe(stored.changes[1]!.newText);
    // The first version has nothing to compare with.
    expect(await recordChanges(t.db, v1)).toEqual({ kind: 'first' });
    expect(await storedChanges(t.db, v1)).toBeNull();
  });

  it('writes nothing the second time', async () => {
    const { v2 } = await ingestBoth();
    const before = await changeRows(v2);
    expect(await recordChanges(t.db, v2)).toEqual({ kind: 'exists' });
    expect(await recordChanges(t.db, v2)).toEqual({ kind: 'exists' });
    expect(await changeRows(v2)).toEqual(before);
    const comparisons = await t.db.selectFrom('version_comparisons').select('version_id').execute();
    expect(comparisons.map((c) => c.version_id)).toEqual([v2]);
  });

  it('computes and records missing changes on demand, once, even when two callers race', async () => {
    const { v2 } = await ingestBoth();
    const expected = await changeRows(v2);
    await t.db.deleteFrom('changes').execute();
    await t.db.deleteFrom('version_comparisons').execute();
    expect(await storedChanges(t.db, v2)).toBeNull();

    const other = await t.openAnother();
    const outcomes = await Promise.all([recordChanges(t.db, v2), recordChanges(other, v2), recordChanges(t.db, v2)]);
    expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'exists')).toHaveLength(2);
    expect(await changeRows(v2)).toEqual(expected);

    await t.db.deleteFrom('changes').execute();
    await t.db.deleteFrom('version_comparisons').execute();
    const onDemand = (await versionChanges(t.db, v2))!;
    expect(onDemand.changes).toHaveLength(14);
    expect(await changeRows(v2)).toEqual(expected);
  });

  it('history carries the counts per version, and fills in what is missing', async () => {
    const { v2 } = await ingestBoth();
    await t.db.deleteFrom('changes').execute();
    await t.db.deleteFrom('version_comparisons').execute();
    const h = await documentHistory(t.db, '1752', { on: '2026-06-01' });
    expect(h.versions.map((v) => v.changes)).toEqual([null, { modified: 0, added: 1, deleted: 0, renumbered: 13, moved: 0 }]);
    expect(h.versions[0]!.changedProvisions).toBeNull();
    expect(h.versions[1]!.changedProvisions!.slice(0, 2)).toEqual([
      { op: 'added', old: null, new: '第二条' },
      { op: 'renumbered', old: '第二条', new: '第三条' },
    ]);
    expect((await changesOfVersions(t.db, [v2])).get(v2)!.provisions).toHaveLength(14);
    expect(await changeRows(v2)).toHaveLength(14);
  });
});
