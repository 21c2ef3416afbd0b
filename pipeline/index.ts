/**
 * The pure pipeline end to end: bytes or text of one page → the documents it carries, each
 * segmented and analysed. No I/O, no clock: callers read files or fetch pages and pass the data.
 */
import { decodeBytes } from './decode.ts';
import { extractText } from './extract.ts';
import { joinBrokenLines } from './normalize.ts';
import { segmentDocument } from './segment.ts';
import { splitPage } from './split.ts';
import type { PolicyDocument, Validity } from './types.ts';
import { analyseValidity } from './validity.ts';
import { extractMeasures } from './measures.ts';

export interface PageHint {
  /** `text/html; charset=gbk`, `text/markdown`… when known. */
  readonly contentType?: string;
  /** File name or URL path, used to guess the format (`.html`, `.md`, `.txt`). */
  readonly fileName?: string;
}

export interface ProcessedPage {
  readonly documents: PolicyDocument[];
  /** Format the page was read as. */
  readonly format: 'html' | 'markdown' | 'text';
  /** Date the page says it was published (a web publish line), if any. */
  readonly publishedOn: string | null;
}

export interface ProcessedBytes extends ProcessedPage {
  /** Character set the bytes were decoded from (`utf-8`, `gb18030`…). */
  readonly charset: string;
}

const NO_VALIDITY: Validity = { effective: null, expires: null, basis: null, repeals: [] };

/**
 * Run extract → split → segment → validity over the text of one page.
 * Returns an empty list for a page with no text; never throws on odd layouts.
 */
export function processText(content: string, hint: PageHint = {}): ProcessedPage {
  const extracted = extractText(content, hint);
  const documents: PolicyDocument[] = [];
  for (const seg of splitPage(extracted.text)) {
    const doc = segmentDocument(seg, joinBrokenLines);
    if (doc.text.trim() === '' && doc.provisions.length === 0) continue;
    const publishedOn = doc.publishedOn ?? extracted.publishedOn;
    const validity =
      doc.kind === 'policy'
        ? analyseValidity({ text: doc.text, signedOn: doc.signedOn, publishedOn, provisions: doc.provisions })
        : NO_VALIDITY;
    documents.push({
      title: doc.title,
      docNumber: doc.docNumber,
      issuers: doc.issuers,
      signedOn: doc.signedOn,
      kind: doc.kind,
      provisions: doc.provisions,
      validity,
      measures: doc.kind === 'policy' ? extractMeasures(doc.provisions, { effective: validity.effective, expires: validity.expires, signedOn: doc.signedOn }) : [],
      text: doc.text,
      notice: doc.notice,
      docNumberRaw: doc.docNumberRaw,
      publishedOn,
    });
  }
  return { documents, format: extracted.format, publishedOn: extracted.publishedOn };
}

/**
 * Decode the raw bytes of a page (charset declared or sniffed; GBK is common) and process it.
 * @throws InputError when the bytes are empty, binary, too large or cannot be decoded.
 */
export function processBytes(bytes: Uint8Array, hint: PageHint & { readonly maxBytes?: number } = {}): ProcessedBytes {
  const decoded = decodeBytes(bytes, hint);
  return { ...processText(decoded.text, hint), charset: decoded.charset };
}
