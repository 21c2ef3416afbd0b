/**
 * Pure checks on a fetched page, used by the fetch worker to judge a source's health and to
 * follow a listing: block/challenge pages, mojibake, and the links a selector picks.
 */
import * as cheerio from 'cheerio';

/**
 * Words of block, captcha and anti-bot challenge pages (WAFs in front of Chinese government
 * sites, Cloudflare, "too many requests" pages). Matched on short pages only: a real policy page
 * may quote any of these words in passing.
 */
const CHALLENGE_MARKERS =
  /验证码|安全验证|人机验证|滑动验证|访问过于频繁|访问频率过高|请求过于频繁|访问被拒绝|您的访问被阻断|网站防火墙|安全狗|云锁|请开启JavaScript|请启用JavaScript|Just a moment|Checking your browser|cf-challenge|captcha|Access Denied|Attention Required|Request blocked|too many requests/i;

/** A page longer than this (in characters of text) is content, whatever words it contains. */
const CHALLENGE_MAX_CHARS = 3_000;

/** HTTP statuses that mean "you are being refused", not "this page is gone". */
const BLOCK_STATUSES = new Set([401, 403, 429, 451]);

/**
 * Why the answer looks like a block or challenge page rather than content, or null.
 * `text` is the decoded page (HTML or text).
 */
export function detectBlock(status: number, text: string): string | null {
  if (BLOCK_STATUSES.has(status)) return `HTTP ${status}: the site refuses the crawler`;
  const visible = text.replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>|<[^>]+>/gi, ' ').replace(/\s+/g, ' ');
  if (visible.length > CHALLENGE_MAX_CHARS) return null;
  const m = CHALLENGE_MARKERS.exec(text);
  return m ? `the page looks like a block or challenge page ("${m[0]}")` : null;
}

/** Characters GBK produces when UTF-8 Chinese is decoded as GBK (from 的/了/在/是/发/布/。/，). */
const UTF8_AS_GBK = /[鐨浜嗗湪鏄彂甯銆锛鍙鏂]/g;
const REPLACEMENT = /\uFFFD/g;
const LATIN1_RUN = /[\u00C0-\u00FF][\u0080-\u00BF]/g;
const CJK = /[\u4E00-\u9FFF]/g;

const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;

/**
 * Why the decoded text looks like mojibake (wrong charset), or null: replacement characters,
 * 锟斤拷, UTF-8 read as Latin-1 (`å\u0085³`), or UTF-8 read as GBK (鍏充簬).
 */
export function detectMojibake(text: string): string | null {
  const cjk = count(text, CJK);
  const bad = count(text, REPLACEMENT);
  if (text.includes('锟斤拷') || (bad >= 10 && bad > cjk * 0.02)) return `${bad} undecodable characters: the charset is wrong or undeclared`;
  const latin = count(text, LATIN1_RUN);
  if (latin >= 20 && latin > cjk) return 'Chinese text read as Latin-1: the declared charset is wrong';
  const gbk = count(text, UTF8_AS_GBK);
  if (cjk >= 50 && gbk > cjk * 0.15) return 'UTF-8 text read as GBK: the declared charset is wrong';
  return null;
}

export interface ListingLinks {
  /** Elements the selector matched (0 means the selector no longer fits the page). */
  readonly matched: number;
  /** Absolute http(s) URLs, without fragments, in page order, without repeats. */
  readonly links: string[];
}

/**
 * The links a listing selector picks on a page: the matched elements that are links, or the
 * links inside the matched elements.
 */
export function extractLinks(html: string, baseUrl: string, selector: string): ListingLinks {
  const $ = cheerio.load(html);
  const matched = $(selector);
  const out: string[] = [];
  matched.each((_, el) => {
    const anchors = $(el).is('a[href]') ? $(el) : $(el).find('a[href]');
    anchors.each((__, a) => {
      const href = $(a).attr('href');
      if (!href) return;
      let u: URL;
      try {
        u = new URL(href, baseUrl);
      } catch {
        return;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return;
      u.hash = '';
      out.push(u.toString());
    });
  });
  return { matched: matched.length, links: [...new Set(out)] };
}
