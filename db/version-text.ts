/**
 * A segmented version's text stored as a frame (migration 0021): the text with each provision's
 * text replaced by a reference to it, so that the record does not hold every article twice.
 *
 *   text:  关于……的通知\n第一条 为了……。\n第二条 本办法……。
 *   frame: 关于……的通知\n第一条 \u001a0\u001a\n第二条 \u001a1\u001a
 *
 * A reference is U+001A, the provision's ordinal in the version (0-based, decimal) and U+001A.
 * Provisions are looked for in order, each after the one before; one not found where it should
 * be (the pipeline may have cleaned it) is simply left in the frame as text. Pure functions.
 */

/** The character that opens and closes a reference (ASCII SUB); a text holding it is never framed. */
const MARK = '\u001a';

/**
 * The frame of `text`, or null when framing would not pay (no provision found in the text) or
 * is not possible (the text holds U+001A).
 * @example frameText('标题\n第一条 甲。', [{ text: '甲。' }]) // → '标题\n第一条 \u001a0\u001a'
 */
export function frameText(text: string, provisions: readonly { readonly text: string }[]): string | null {
  if (provisions.length === 0 || text.includes(MARK)) return null;
  let frame = '';
  let at = 0;
  let found = 0;
  provisions.forEach((p, ord) => {
    if (p.text === '') return;
    const k = text.indexOf(p.text, at);
    if (k < 0) return;
    frame += `${text.slice(at, k)}${MARK}${ord}${MARK}`;
    at = k + p.text.length;
    found++;
  });
  return found === 0 ? null : frame + text.slice(at);
}

/**
 * The text a frame was made from, given its version's provision texts in order.
 * @throws Error when the frame names a provision the version does not have (a damaged record).
 */
export function unframeText(frame: string, provisionTexts: readonly string[]): string {
  const parts = frame.split(MARK);
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) {
      text += parts[i];
    } else {
      const p = provisionTexts[Number(parts[i])];
      if (p === undefined) throw new Error(`a version's stored text names provision ${parts[i]}, which it does not have`);
      text += p;
    }
  }
  return text;
}
