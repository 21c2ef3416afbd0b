import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../pipeline/decode.ts';
import { InputError } from '../../pipeline/errors.ts';

const fixtureBytes = (name: string): Uint8Array => readFileSync(new URL(`../fixtures/extract/${name}`, import.meta.url));
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/extract/${name}`, import.meta.url), 'utf8');
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** The InputError thrown by `fn`, or a failure when it does not throw one. */
function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('expected an InputError, nothing was thrown');
}

describe('decodeBytes: Chinese legacy encodings', () => {
  it('decodes GBK bytes without any declared charset to the UTF-8 original', () => {
    const d = decodeBytes(fixtureBytes('policy.gbk.txt'));
    expect(d.text).toBe(fixture('policy-utf8.txt'));
    expect(d.charset).toBe('gb18030');
    expect(d.via).toBe('sniffed');
    expect(d.declared).toBeNull();
  });

  it('decodes a GBK page declaring <meta charset="gb2312"> as gb18030', () => {
    const d = decodeBytes(fixtureBytes('gb2312-meta.gbk.html'));
    expect(d.text).toBe(fixture('gb2312-meta.utf8.html'));
    expect(d).toMatchObject({ charset: 'gb18030', via: 'declared', declared: 'gb2312' });
  });

  it('decodes a GBK page declaring charset=GBK in <meta http-equiv>', () => {
    const d = decodeBytes(fixtureBytes('gbk-http-equiv.gbk.html'));
    expect(d.text).toBe(fixture('gbk-http-equiv.utf8.html'));
    expect(d).toMatchObject({ charset: 'gb18030', via: 'declared', declared: 'GBK' });
  });

  it('uses the charset of the Content-Type header', () => {
    const d = decodeBytes(fixtureBytes('policy.gbk.txt'), { contentType: 'text/plain; charset=GB2312' });
    expect(d.text).toBe(fixture('policy-utf8.txt'));
    expect(d).toMatchObject({ charset: 'gb18030', via: 'declared', declared: 'GB2312' });
  });

  it('reads a page as UTF-8 when it declares gb2312 but its bytes are valid UTF-8', () => {
    const d = decodeBytes(fixtureBytes('gb2312-meta.utf8.html'));
    expect(d.text).toBe(fixture('gb2312-meta.utf8.html'));
    expect(d).toMatchObject({ charset: 'utf-8', via: 'utf-8', declared: 'gb2312' });
  });

  it('falls back to detection when the declared UTF-8 is wrong', () => {
    const d = decodeBytes(fixtureBytes('policy.gbk.txt'), { contentType: 'text/html; charset=utf-8' });
    expect(d.text).toBe(fixture('policy-utf8.txt'));
    expect(d.charset).toBe('gb18030');
  });

  it('decodes a very short GBK text (too short for chardet) as GB18030, not Big5', () => {
    expect(decodeBytes(iconv.encode('关于', 'gbk')).text).toBe('关于');
    expect(decodeBytes(iconv.encode('关于印发通知的说明', 'gbk')).text).toBe('关于印发通知的说明');
  });

  it('decodes Big5 text that chardet recognises', () => {
    const text = '中華人民共和國統計法第一條為了科學、有效地組織統計工作，保障統計資料的真實性、準確性、完整性和及時性，發揮統計在了解國情國力、服務經濟社會發展中的重要作用，制定本法。';
    const d = decodeBytes(iconv.encode(text, 'big5'));
    expect(d.text).toBe(text);
    expect(d.charset).toBe('big5');
  });
});

describe('decodeBytes: Unicode', () => {
  it('decodes UTF-8 strictly and reports it', () => {
    const d = decodeBytes(utf8('第一条 为加强管理，制定本办法。'));
    expect(d).toEqual({ text: '第一条 为加强管理，制定本办法。', charset: 'utf-8', via: 'utf-8', declared: null });
  });

  it('drops a UTF-8 byte order mark', () => {
    const d = decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('第一条')]));
    expect(d).toMatchObject({ text: '第一条', charset: 'utf-8', via: 'bom' });
  });

  it('decodes UTF-16LE with and without a byte order mark', () => {
    const body = Buffer.from('关于印发通知\n第一条 为加强管理。\n', 'utf16le');
    expect(decodeBytes(new Uint8Array([0xff, 0xfe, ...body]))).toMatchObject({ text: '关于印发通知\n第一条 为加强管理。\n', charset: 'utf-16le', via: 'bom' });
    expect(decodeBytes(body)).toMatchObject({ text: '关于印发通知\n第一条 为加强管理。\n', charset: 'utf-16le', via: 'sniffed' });
  });
});

describe('decodeBytes: errors', () => {
  it('refuses empty input', () => {
    const e = inputError(() => decodeBytes(new Uint8Array(0)));
    expect(e.problem).toBe('empty');
    expect(e.message).toBe('the input is empty (0 bytes), there is no text to read');
  });

  it('refuses input that is only whitespace once decoded', () => {
    expect(inputError(() => decodeBytes(utf8(' \n\t\r\n '))).problem).toBe('empty');
    expect(inputError(() => decodeBytes(utf8('\u3000\u3000\u00a0\n'))).problem).toBe('empty');
    expect(inputError(() => decodeBytes(iconv.encode('\u3000\u3000\n', 'gbk'))).problem).toBe('empty');
  });

  it('refuses input over maxBytes before looking at it, with a one-line message', () => {
    const pdf = new Uint8Array(2048);
    pdf.set(utf8('%PDF-1.7'));
    const e = inputError(() => decodeBytes(pdf, { maxBytes: 1024 }));
    expect(e.problem).toBe('too-large');
    expect(e.message).toContain('2048 bytes');
    expect(e.message).toContain('limit');
    expect(e.message).not.toContain('\n');
  });

  it('applies the 20 MiB default limit', () => {
    const big = new Uint8Array(20 * 1024 * 1024 + 1).fill(0x20);
    expect(inputError(() => decodeBytes(big)).problem).toBe('too-large');
  });

  it.each([
    [[0x25, 0x50, 0x44, 0x46, 0x2d, 0x31, 0x2e, 0x37, 0x0a], 'the input looks like a PDF file, not text'],
    [[0x50, 0x4b, 0x03, 0x04, 0x14, 0x00], 'the input looks like a ZIP archive (or a .docx/.xlsx/.wps file), not text'],
    [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'the input looks like a PNG image, not text'],
    [[0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10], 'the input looks like a JPEG image, not text'],
    [[0x1f, 0x8b, 0x08, 0x00], 'the input looks like a gzip-compressed file, not text'],
    [[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], 'the input looks like a legacy Office document (.doc/.xls), not text'],
  ])('refuses a binary file by its signature (%#)', (bytes, message) => {
    const e = inputError(() => decodeBytes(new Uint8Array(bytes)));
    expect(e.problem).toBe('binary');
    expect(e.message).toBe(message);
  });

  it('refuses data with NUL bytes or many control characters', () => {
    const nul = utf8('第一条 为加强管理\u0000\u0001\u0000制定本办法。\u0000');
    expect(inputError(() => decodeBytes(nul))).toMatchObject({ problem: 'binary', message: 'the input looks like binary data (it contains NUL bytes), not text' });
    const controls = new Uint8Array(200).map((_, i) => (i % 10 === 0 ? 0x01 : 0x41));
    const e = inputError(() => decodeBytes(controls));
    expect(e.problem).toBe('binary');
    expect(e.message).toBe('the input looks like binary data (20 control bytes in the first 200), not text');
  });

  it('refuses bytes that no encoding reads as text', () => {
    const e = inputError(() => decodeBytes(new Uint8Array(64).fill(0xff)));
    expect(e.problem).toBe('encoding');
    expect(e.message).toMatch(/^could not find the text's encoding: it is not valid UTF-8 and none of .*gb18030, big5.* gives readable text/);
    expect(e.message).not.toContain('\n');
  });

  it('refuses a UTF-8 byte order mark followed by bytes that are not UTF-8', () => {
    const e = inputError(() => decodeBytes(new Uint8Array([0xef, 0xbb, 0xbf, ...iconv.encode('关于印发通知', 'gbk')])));
    expect(e.problem).toBe('encoding');
    expect(e.message).toBe('the input starts with a UTF-8 byte order mark but is not valid UTF-8');
  });

  it('is an InputError with its name set, for the CLI to report', () => {
    const e = inputError(() => decodeBytes(new Uint8Array(0)));
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('InputError');
  });
});
