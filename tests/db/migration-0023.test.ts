/**
 * Migration 0023 on Postgres: the versions recorded before it get their provisions' keys
 * (`versions.provision_keys`), so that a batch can send the next revision of any stored
 * document against them.
 */
import { describe, expect, it } from 'vitest';
import { provisionKey } from '../../db/identity.ts';
import { migrateOrThrow } from '../../db/migrator.ts';
import { recordDocument, recordDocuments, type RecordResult } from '../../db/record.ts';
import { withDatabaseBefore } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const seen = (source: string) => ({ source, seenAt: '2026-01-05T08:00:00Z' });
const version = (v: number) =>
  makeDocument({
    docNumber: '迁规〔2025〕23号',
    title: '迁移测试办法',
    provisions: articles(['为规范管理，制定本办法。', `资金用于支持中小企业发展（第${v}版）。`, '本办法自发布之日起施行。']),
  });
const other = makeDocument({ docNumber: '迁规〔2025〕24号', title: '另一办法', text: '无条文的正文', provisions: [] });

describe('migration 0023 on Postgres', () => {
  it("backfills each stored version's provision keys, and the next revision in a batch is recorded against them", async () => {
    // Recorded before 0023 with today's code, then migrated.
    await withDatabaseBefore('0023', async (db) => {
      const v1 = await recordDocument(db, version(1), seen('a'));
      await recordDocument(db, other, seen('a'));
      await migrateOrThrow(db);
      const rows = await db.selectFrom('versions').select(['id', 'provision_keys']).orderBy('id').execute();
      expect(rows.map((r) => r.provision_keys)).toEqual([version(1).provisions.map(provisionKey), null]);
      const [v2] = (await recordDocuments(db, [{ doc: version(2), seen: seen('b') }, { doc: other, seen: seen('b') }])) as RecordResult[];
      expect(v2).toMatchObject({ outcome: 'revised', documentId: v1.documentId, seq: 2 });
      const texts = await db.selectFrom('provisions').select(['text']).where('version_id', '=', v2!.versionId).orderBy('ord').execute();
      expect(texts.map((p) => p.text)).toEqual(version(2).provisions.map((p) => p.text));
      expect(await db.selectFrom('provision_texts').select(['id']).execute()).toHaveLength(4);
    });
  }, 120_000);
});
