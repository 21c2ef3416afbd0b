/**
 * decode: raw bytes of a fetched page or file → text. Chinese government sites still serve GBK
 * and GB2312, declared or not; files arrive as UTF-8, UTF-16 or legacy encodings. Input that is
 * not text at all (PDF, ZIP, images) is refused with a message that says what it looks like.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { InputError } from './errors.ts';

/** Decoded text and the charset it was decoded with. */
export interface Decoded {
  readonly text: string;
  /**
   * The charset used, lower case: `utf-8`, `utf-16le`, `utf-16be`, `gb18030`, `big5`, … A declared
   * `gb2312` or `gbk` is decoded as `gb18030` (their superset) and reported as `gb18030`.
   */
  readonly charset: string;
  /** How the charset was chosen. */
  readonly via: 'bom' | 'declared' | 'utf-8' | 'sniffed';
  /** The charset label the content type or the page declared, as written (`GB2312`), or null. */
  readonly declared: string | null;
}

/** Options of {@link decodeBytes}. */
export interface DecodeHint {
  /** HTTP Content-Type, e.g. `text/html; charset=gbk`. */
  readonly contentType?: string;
  /** Largest input accepted, in bytes. Default {@link DEFAULT_MAX_BYTES}. */
  readonly maxBytes?: number;
}

/** Default size limit: 20 MiB, far above any policy page; larger inputs are not what we fetch. */
export const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** Bytes scanned for `<meta charset>` declarations. */
const META_SCAN_BYTES = 4096;
/** Bytes inspected for binary content. */
const BINARY_SCAN_BYTES = 65536;
/** Share of control bytes (other than tab, CR, LF, FF, VT, ESC) above which input is binary. */
const MAX_CONTROL_SHARE = 0.01;
/** Share of U+FFFD (and C1 controls) in decoded text above which the decoding is wrong. */
const MAX_BAD_SHARE = 0.005;
/** A few replacement characters are tolerated in any text (a damaged byte here and there). */
const MAX_BAD_ABSOLUTE = 2;

/** Leading bytes of common binary formats, and what to call them in the message. */
const MAGIC: ReadonlyArray<{ readonly bytes: readonly number[]; readonly what: string }> = [
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF file' }, // %PDF-
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or a .docx/.xlsx/.wps file)' },
  { bytes: [0x50, 0x4b, 0x05, 0x06], what: 'an empty ZIP archive' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], what: 'a legacy Office document (.doc/.xls)' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'a PNG image' },
  { bytes: [0xff, 0xd8, 0xff], what: 'a JPEG image' },
  { bytes: [0x47, 0x49, 0x46, 0x38], what: 'a GIF image' },
  { bytes: [0x1f, 0x8b], what: 'a gzip-compressed file' },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], what: 'an xz-compressed file' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'a RAR archive' },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'an executable (ELF) file' },
];

/** Charset labels that mean "the GB family"; all are decoded as GB18030. */
const GB_LABELS = new Set(['gb2312', 'gbk', 'gb18030', 'x-gbk', 'cp936', 'ms936', 'windows-936', 'euc-cn', 'csgb2312', 'iso-ir-58', 'chinese', 'gb_2312-80', 'gb_2312']);

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

function mib(n: number): string {
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
}

/** Charset in a Content-Type header value, or null. */
function charsetFromContentType(ct: string | undefined): string | null {
  if (!ct) return null;
  const m = /charset\s*=\s*["']?([\w.:-]+)/i.exec(ct);
  return m ? m[1]! : null;
}

/** Charset declared by `<meta charset>`, `<meta http-equiv content="…charset=…">` or `<?xml encoding>` in the first bytes. */
function charsetFromMeta(bytes: Uint8Array): string | null {
  // Latin-1 keeps every byte as one character: ASCII markup reads the same in any of our charsets.
  const head = iconv.decode(bytes.subarray(0, META_SCAN_BYTES), 'latin1');
  const meta = /<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)/i.exec(head);
  if (meta) return meta[1]!;
  const xml = /<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']/i.exec(head);
  return xml ? xml[1]! : null;
}

/** The iconv-lite name to decode a declared label with, or null when unknown. */
function decoderFor(label: string): string | null {
  const l = label.toLowerCase();
  if (GB_LABELS.has(l)) return 'gb18030';
  if (l === 'utf8') return 'utf-8';
  if (l === 'big5-hkscs' || l === 'x-x-big5') return 'big5';
  return iconv.encodingExists(l) ? l : null;
}

function strictUtf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function hasNonAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/** Replacement characters and C1 controls: the marks of a wrong decoding. */
function badCount(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c >= 0x80 && c <= 0x9f)) n++;
  }
  return n;
}

/**
 * Share of non-ASCII characters that are implausible in a Chinese page (see the ranges below):
 * the marks of GBK bytes read with a Western, Japanese or Korean charset.
 */
function oddShare(text: string): number {
  let odd = 0;
  let total = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    total++;
    if (
      (c >= 0xc0 && c <= 0x24f) || // Latin-1 letters and Latin Extended: a legacy Western code page
      (c >= 0x370 && c <= 0x6ff) || // Greek, Cyrillic, Hebrew, Arabic
      (c >= 0xe00 && c <= 0xe7f) || // Thai (windows-874)
      (c >= 0xe000 && c <= 0xf8ff) || // private use: GBK user-defined area, never in real text
      (c >= 0xff61 && c <= 0xff9f) || // half-width katakana: GBK read as Shift_JIS
      (c >= 0xac00 && c <= 0xd7af) || // Hangul: GBK read as EUC-KR
      (c >= 0x3040 && c <= 0x30ff) // kana: GBK read as EUC-JP / Shift_JIS
    ) {
      odd++;
    }
  }
  return total === 0 ? 0 : odd / total;
}

function isWhitespaceOnly(text: string): boolean {
  return /^[\s\u00a0\u3000\ufeff\u200b]*$/u.test(text);
}

function checkDecoded(text: string, charset: string): void {
  const bad = badCount(text);
  if (bad > MAX_BAD_ABSOLUTE && bad > MAX_BAD_SHARE * text.length) {
    throw new InputError(
      'encoding',
      `the text does not decode cleanly as ${charset} (${bad} unreadable characters); check the charset the source declares or convert the file to UTF-8`,
    );
  }
}

function finish(text: string, charset: string, via: Decoded['via'], declared: string | null): Decoded {
  if (isWhitespaceOnly(text)) throw new InputError('empty', 'the input holds only whitespace, there is no text to read');
  checkDecoded(text, charset);
  return { text, charset, via, declared };
}

/** Throws InputError('binary') when the bytes are not text. @internal */
function assertText(bytes: Uint8Array): void {
  for (const { bytes: magic, what } of MAGIC) {
    if (startsWith(bytes, magic)) throw new InputError('binary', `the input looks like ${what}, not text`);
  }
  const n = Math.min(bytes.length, BINARY_SCAN_BYTES);
  let controls = 0;
  for (let i = 0; i < n; i++) {
    const b = bytes[i]!;
    if (b === 0) throw new InputError('binary', 'the input looks like binary data (it contains NUL bytes), not text');
    // Tab, LF, VT, FF, CR and ESC (ISO-2022) occur in text; other C0 controls do not. In UTF-8
    // and GBK every byte of a multi-byte character is ≥ 0x40, so these are real controls.
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0b && b !== 0x0c && b !== 0x0d && b !== 0x1b) controls++;
  }
  if (controls > MAX_CONTROL_SHARE * n) {
    throw new InputError('binary', `the input looks like binary data (${controls} control bytes in the first ${n}), not text`);
  }
}

/**
 * UTF-16 without a BOM: NUL bytes (mostly) on one side of the byte pairs (the high byte of ASCII
 * characters), and the bytes decode strictly as UTF-16 to plausible text.
 */
function sniffUtf16(bytes: Uint8Array): { text: string; charset: 'utf-16le' | 'utf-16be' } | null {
  if (bytes.length < 2 || bytes.length % 2 !== 0) return null;
  const n = Math.min(bytes.length, BINARY_SCAN_BYTES) & ~1;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (bytes[i] === 0) evenNul++;
    if (bytes[i + 1] === 0) oddNul++;
  }
  // The other side holds a NUL only for the CJK characters whose low byte is 0 (一 is U+4E00).
  const charset = oddNul > 2 * evenNul ? 'utf-16le' : evenNul > 2 * oddNul ? 'utf-16be' : null;
  if (charset === null) return null;
  let text: string;
  try {
    text = new TextDecoder(charset, { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || (c >= 0x7f && c <= 0x9f)) controls++;
  }
  if (controls > MAX_CONTROL_SHARE * text.length || oddShare(text) > 0.05) return null;
  return { text, charset };
}

/**
 * Decodes the bytes of a page or file to text.
 *
 * Order: empty input → InputError('empty'); over `maxBytes` (default 20 MiB) →
 * InputError('too-large'); a known binary signature (PDF, ZIP/docx, Office, PNG, JPEG, GIF, gzip…),
 * NUL bytes or many control bytes → InputError('binary') naming what it looks like; then a BOM
 * (UTF-8, UTF-16LE/BE, GB18030); then the charset declared in `hint.contentType` or in a
 * `<meta charset>` / `<meta http-equiv … charset=…>` in the first 4 KB (gb2312 and gbk are
 * decoded as gb18030); then strict UTF-8; then chardet's guesses decoded with iconv-lite, the first
 * that reads as plausible text winning (gb18030 and big5 are always tried). Text that is only
 * whitespace → InputError('empty'); text full of U+FFFD or mojibake → InputError('encoding').
 *
 * One exception to "declared first": when a page declares a legacy charset but its bytes are
 * valid UTF-8 with non-ASCII characters, it is UTF-8 (sites re-encode pages and keep the old
 * `<meta>`; valid UTF-8 multi-byte sequences almost never arise from GBK text by chance).
 *
 * @throws InputError with `problem` 'empty' | 'too-large' | 'binary' | 'encoding'.
 * @example decodeBytes(gbkBytes, { contentType: 'text/html; charset=GB2312' }) // → { text, charset: 'gb18030', via: 'declared', declared: 'GB2312' }
 */
export function decodeBytes(bytes: Uint8Array, hint?: DecodeHint): Decoded {
  if (bytes.length === 0) throw new InputError('empty', 'the input is empty (0 bytes), there is no text to read');
  const maxBytes = hint?.maxBytes ?? DEFAULT_MAX_BYTES;
  if (bytes.length > maxBytes) {
    throw new InputError('too-large', `the input is ${mib(bytes.length)} (${bytes.length} bytes), over the ${mib(maxBytes)} limit; is this really a policy page?`);
  }

  // BOMs first where they decide how to read NUL bytes (UTF-16).
  if (startsWith(bytes, [0xff, 0xfe])) return finish(new TextDecoder('utf-16le').decode(bytes), 'utf-16le', 'bom', null);
  if (startsWith(bytes, [0xfe, 0xff])) return finish(new TextDecoder('utf-16be').decode(bytes), 'utf-16be', 'bom', null);
  const utf16 = sniffUtf16(bytes);
  if (utf16 !== null) return finish(utf16.text, utf16.charset, 'sniffed', null);

  assertText(bytes);

  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) {
    const text = strictUtf8(bytes);
    if (text === null) throw new InputError('encoding', 'the input starts with a UTF-8 byte order mark but is not valid UTF-8');
    return finish(text, 'utf-8', 'bom', null);
  }
  if (startsWith(bytes, [0x84, 0x31, 0x95, 0x33])) {
    return finish(iconv.decode(bytes.subarray(4), 'gb18030'), 'gb18030', 'bom', null);
  }

  const utf8 = strictUtf8(bytes);
  const declared = charsetFromContentType(hint?.contentType) ?? charsetFromMeta(bytes);
  if (declared !== null) {
    const dec = decoderFor(declared);
    if (dec === 'utf-8' && utf8 !== null) return finish(utf8, 'utf-8', 'declared', declared);
    if (dec !== null && dec !== 'utf-8') {
      if (utf8 !== null && hasNonAscii(bytes)) return finish(utf8, 'utf-8', 'utf-8', declared);
      const text = iconv.decode(bytes, dec);
      if (badCount(text) <= MAX_BAD_ABSOLUTE || badCount(text) <= MAX_BAD_SHARE * text.length) {
        return finish(text, dec, 'declared', declared);
      }
      // The declaration is wrong (it happens): fall through to detection.
    }
    // Declared UTF-8 but the bytes are not: detect below.
  }
  if (utf8 !== null) return finish(utf8, 'utf-8', 'utf-8', declared);
  return sniff(bytes, declared);
}

/** chardet confidence (0–100) below which its guess is tried after GB18030 and Big5. */
const MIN_CHARDET_CONFIDENCE = 50;

/** Charset names as chardet reports them → iconv-lite names worth trying for Chinese text. */
function iconvName(chardetName: string): string | null {
  const l = chardetName.toLowerCase();
  if (l === 'gb18030') return 'gb18030';
  if (l === 'big5') return 'big5';
  if (l.startsWith('utf-8') || l.startsWith('utf-16') || l.startsWith('utf-32') || l.startsWith('iso-2022')) return null;
  return iconv.encodingExists(l) ? l : null;
}

function sniff(bytes: Uint8Array, declared: string | null): Decoded {
  const matches = chardet.analyse(bytes);
  const names = (ms: typeof matches) => ms.map((m) => iconvName(m.name)).filter((n): n is string => n !== null);
  // chardet's confident guesses first; on short or ambiguous input (all guesses weak) the sources
  // we read are mainland Chinese, so GB18030 comes before Big5 and before chardet's weak guesses.
  const confident = names(matches.filter((m) => m.confidence >= MIN_CHARDET_CONFIDENCE));
  const weak = names(matches.filter((m) => m.confidence < MIN_CHARDET_CONFIDENCE));
  const order = [...new Set([...confident, 'gb18030', 'big5', ...weak])];
  let best: { text: string; charset: string; score: number } | null = null;
  for (const charset of order) {
    const text = iconv.decode(bytes, charset);
    const score = badCount(text) / Math.max(1, text.length) + oddShare(text);
    if (score < 0.01) return finish(text, charset, 'sniffed', declared);
    if (best === null || score < best.score) best = { text, charset, score };
  }
  const tried = order.join(', ');
  throw new InputError(
    'encoding',
    `could not find the text's encoding: it is not valid UTF-8 and none of ${tried} gives readable text` +
      (best ? ` (closest: ${best.charset})` : '') + '; convert the file to UTF-8 or give its charset',
  );
}
