/**
 * A version's text as a frame over its provisions (db/version-text.ts), on real texts: the seeds
 * and the laws of shared/corpus/real through the pipeline.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processText } from '../../pipeline/index.ts';
import { frameText, unframeText } from '../../db/version-text.ts';

const SEEDS = join(import.meta.dirname, '../../seeds');
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url));

const seedDocuments = readdirSync(SEEDS)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .flatMap((f) => processText(readFileSync(join(SEEDS, f), 'utf8'), { fileName: f }).documents);
const lawDocuments = readdirSync(CORPUS, { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'policies')
  .flatMap((d) => ['old.md', 'new.md'].map((f) => join(CORPUS, d.name, f)))
  .flatMap((path) => processText(readFileSync(path, 'utf8'), { fileName: path }).documents);

describe('frameText and unframeText', () => {
  it.each([
    ['the seeds', seedDocuments],
    ['the laws of corpus/real, old and new', lawDocuments],
  ])('give back every segmented text of %s exactly, from a frame a fraction of its length', (_, documents) => {
    const segmented = documents.filter((d) => d.provisions.length > 0);
    expect(segmented.length).toBeGreaterThanOrEqual(5);
    let textChars = 0;
    let frameChars = 0;
    for (const doc of segmented) {
      const frame = frameText(doc.text, doc.provisions);
      expect(frame, doc.title).not.toBeNull();
      expect(unframeText(frame!, doc.provisions.map((p) => p.text))).toBe(doc.text);
      textChars += doc.text.length;
      frameChars += frame!.length;
    }
    // What the frames keep is titles, labels and what lies between articles.
    expect(frameChars / textChars).toBeLessThan(0.25);
  });

  it('keeps as text a provision not found where it should be, and still gives the text back', () => {
    const doc = seedDocuments.find((d) => d.provisions.length > 3)!;
    const provisions = doc.provisions.map((p, i) => (i === 1 ? { ...p, text: `${p.text}（清理后的文字）` } : p));
    const frame = frameText(doc.text, provisions)!;
    expect(frame).toContain(doc.provisions[1]!.text);
    expect(frame).not.toContain('\u001a1\u001a');
    expect(unframeText(frame, provisions.map((p) => p.text))).toBe(doc.text);
  });

  it('does not frame a text without provisions found in it, or one that holds U+001A itself', () => {
    const doc = seedDocuments.find((d) => d.provisions.length > 0)!;
    expect(frameText(doc.text, [])).toBeNull();
    expect(frameText(doc.text, [{ text: '这句话不在正文里。' }])).toBeNull();
    expect(frameText(`${doc.text}\u001a`, doc.provisions)).toBeNull();
  });

  it('refuses a frame naming a provision the version does not have', () => {
    expect(() => unframeText('标题\n\u001a3\u001a', ['甲。'])).toThrow(/provision 3/);
  });
});
