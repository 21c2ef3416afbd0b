/**
 * A strict XML parse for the feed tests: the system Chromium's DOMParser (the project's browser;
 * never downloaded), which reports any well-formedness error as a <parsererror>.
 */
import { chromium } from 'playwright-core';
import { loadWorkerConfig } from '../../config.ts';

export interface ParsedFeed {
  readonly error: string | null;
  readonly root: string | null;
  readonly title: string | null;
  readonly entries: Array<{ id: string; title: string; updated: string }>;
}

export async function parseXml(xml: string): Promise<ParsedFeed> {
  const browser = await chromium.launch({ executablePath: loadWorkerConfig({}).chromiumPath, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage();
    // Runs in the page (the project's tsconfig has no DOM types, hence a string).
    return (await page.evaluate(`(() => {
      const doc = new DOMParser().parseFromString(${JSON.stringify(xml)}, 'application/xml');
      const err = doc.getElementsByTagName('parsererror')[0];
      const ns = 'http://www.w3.org/2005/Atom';
      const root = doc.documentElement;
      const child = (el, name) => Array.from(el.children).find((c) => c.localName === name && c.namespaceURI === ns)?.textContent ?? '';
      return {
        error: err ? (err.textContent || 'parse error') : null,
        root: root && root.namespaceURI === ns ? root.localName : null,
        title: root ? child(root, 'title') : null,
        entries: Array.from(doc.getElementsByTagNameNS(ns, 'entry')).map((e) => ({ id: child(e, 'id'), title: child(e, 'title'), updated: child(e, 'updated') })),
      };
    })()`)) as ParsedFeed;
  } finally {
    await browser.close();
  }
}
