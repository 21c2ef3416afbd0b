/**
 * Migration 0024 on Postgres: the versions recorded before it are read for their citations by
 * the first linkCitations after it (catch-up), the documents of the seeds among them.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { linkCitations } from '../../db/citations.repository.ts';
import { migrateOrThrow } from '../../db/migrator.ts';
import { recordDocuments } from '../../db/record.ts';
import { processText } from '../../pipeline/index.ts';
import { withDatabaseBefore } from '../helpers/database.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');

describe('migration 0024 on Postgres', () => {
  it('leaves every version recorded before it to be read, and the first linkCitations reads them all', async () => {
    await withDatabaseBefore('0024', async (db) => {
      const items = readdirSync(SEEDS)
        .filter((f) => f.endsWith('.txt'))
        .flatMap((f) => processText(readFileSync(join(SEEDS, f), 'utf8'), { fileName: f }).documents.map((doc) => ({ doc, seen: { source: f, seenAt: '2026-01-01T00:00:00Z' } })));
      const recorded = await recordDocuments(db, items);
      expect(recorded.every((r) => r.outcome === 'new')).toBe(true);
      await migrateOrThrow(db);
      expect(await linkCitations(db)).toBe(recorded.length);
      // The news story on 七部门颁文 reports on 关于金融支持新型工业化的指导意见, which the seeds hold too.
      const { rows } = await sql<{ from_title: string; to_title: string }>`
        select f.title as from_title, t.title as to_title
          from relations r join documents f on f.id = r.from_document_id join documents t on t.id = r.to_document_id
         where r.kind = 'cites'`.execute(db);
      expect(rows).toContainEqual({ from_title: '七部门颁文：金融支持新型工业化', to_title: '关于金融支持新型工业化的指导意见' });
      expect(await linkCitations(db)).toBe(0);
    });
  }, 120_000);
});
