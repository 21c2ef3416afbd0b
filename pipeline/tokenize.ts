/**
 * Word tokens for Chinese text, for the word-level diff of compare.
 *
 * `Intl.Segmenter('zh', { granularity: 'word' })` gives dictionary words; on top of it a few
 * shapes are kept whole because a reader sees them as one thing and a diff that splits them
 * (`第二|十三|条`, `20|30`) is hard to read:
 * - article and paragraph references: `第二十三条`, `第一百零三条之一`, `第三款`, `第二章`;
 * - runs of digits and ASCII letters, with decimal points and a percent sign: `2030`, `12.5%`, `PM2.5`;
 * - the year and serial of a document number: `〔2025〕1752号`.
 *
 * Tokenize one provision at a time, never a whole document: the segmenter costs about 0.7 µs
 * per character.
 */

/** One segmenter for the process: constructing one costs far more than using it. @internal */
const SEGMENTER = new Intl.Segmenter('zh', { granularity: 'word' });

const CN_NUM = '〇零一二两三四五六七八九十百千万';

/**
 * Shapes kept as single tokens (see the module comment). Applied to the comparison form, where
 * full-width digits and letters are already ASCII and document-number brackets are `〔〕`.
 */
const WHOLE = new RegExp(
  [
    `第[${CN_NUM}0-9]+[编章节条款项目](?:之[${CN_NUM}]+)?`,
    '〔[0-9]{4}〕[0-9]{1,5}号',
    '[0-9A-Za-z]+(?:[.][0-9A-Za-z]+)*%?',
  ].join('|'),
  'gu',
);

/**
 * Split `text` into word tokens whose concatenation is `text` exactly.
 *
 * @example tokenize('依照第二十三条于2030年') // → ['依照', '第二十三条', '于', '2030', '年']
 */
export function tokenize(text: string): string[] {
  // One segmenter call over the whole text (each call has a fixed cost), then the boundaries
  // inside the shapes kept whole are dropped and their edges added.
  const cut = new Uint8Array(text.length + 1);
  for (const seg of SEGMENTER.segment(text)) cut[seg.index] = 1;
  for (const m of text.matchAll(WHOLE)) {
    const end = m.index + m[0].length;
    cut.fill(0, m.index + 1, end);
    cut[m.index] = 1;
    cut[end] = 1;
  }
  const out: string[] = [];
  let last = 0;
  for (let i = 1; i <= text.length; i++) {
    if (cut[i] === 1 || i === text.length) {
      out.push(text.slice(last, i));
      last = i;
    }
  }
  return out;
}
