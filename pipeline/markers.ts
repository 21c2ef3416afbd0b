/**
 * Numbering markers at the start of a line: 第一编/章/节/条, 一、, （一）, 1. / 1． / 1、, （1）, ①.
 * Pure; used by split (to recognise a numbered body) and segment (to build the provision tree).
 */
import { CN_NUMERAL_CHARS, parseChineseNumber } from './numerals.ts';
import type { ProvisionLevel } from './types.ts';

export type MarkerStyle = 'bian' | 'zhang' | 'jie' | 'tiao' | 'cn' | 'paren-cn' | 'arabic' | 'paren-arabic' | 'circled';

export interface Marker {
  readonly style: MarkerStyle;
  /** Normalized label: 第十二条, 第二十三条之一, 一, (一), 7, (1), ①. */
  readonly label: string;
  /** Ordinal value (第二十三条之一 → 23, with `sub` 1). */
  readonly value: number;
  readonly sub: number;
  readonly level: ProvisionLevel;
  /** Depth rank used to nest markers: lower ranks contain higher ones. */
  readonly rank: number;
  /** The rest of the line after the marker, trimmed. */
  readonly rest: string;
}

const N = `[${CN_NUMERAL_CHARS}0-9０-９]+`;
const CN = `[${CN_NUMERAL_CHARS}]+`;
const SPACE = '[\\s\\u00a0\\u3000]*';

const RE_LAW = new RegExp(`^第${SPACE}(${N})${SPACE}(编|章|节|条)(?:之(${CN}))?(?![款项目])`, 'u');
const RE_CN = new RegExp(`^(${CN})${SPACE}[、，,．.](?!\\d)`, 'u');
const RE_PAREN_CN = new RegExp(`^[（(]${SPACE}(${CN})${SPACE}[）)]`, 'u');
const RE_ARABIC = /^([0-9０-９]{1,3})\s*[.．、](?![0-9０-９])/u;
const RE_PAREN_ARABIC = /^[（(]\s*([0-9０-９]{1,3})\s*[）)]/u;
const RE_CIRCLED = /^([①-⑳])/u;

const LAW_STYLE: Record<string, { style: MarkerStyle; level: ProvisionLevel; rank: number }> = {
  编: { style: 'bian', level: 'part', rank: 0 },
  章: { style: 'zhang', level: 'chapter', rank: 1 },
  节: { style: 'jie', level: 'section', rank: 2 },
  条: { style: 'tiao', level: 'article', rank: 3 },
};

function trimRest(s: string): string {
  return s.replace(/^[\s\u00a0\u3000:：]+/u, '').replace(/[\s\u00a0\u3000]+$/u, '');
}

/** The numbering marker at the start of `line` (already trimmed), or null. */
export function parseMarker(line: string): Marker | null {
  const first = line.charCodeAt(0);
  // Fast exits: most lines start with an ordinary character.
  if (first === 0x7b2c /* 第 */) {
    const m = RE_LAW.exec(line);
    if (!m) return null;
    const value = parseChineseNumber(m[1]!);
    if (value === null || value === 0) return null;
    const kind = LAW_STYLE[m[2]!]!;
    const sub = m[3] ? parseChineseNumber(m[3]) ?? 0 : 0;
    const label = `第${m[1]!.replace(/\s+/g, '')}${m[2]}${m[3] ? `之${m[3]}` : ''}`;
    return { ...kind, label, value, sub, rest: trimRest(line.slice(m[0].length)) };
  }
  if (first === 0xff08 /* （ */ || first === 0x28 /* ( */) {
    let m = RE_PAREN_CN.exec(line);
    if (m) {
      const value = parseChineseNumber(m[1]!);
      if (value === null || value === 0) return null;
      return { style: 'paren-cn', level: 'item', rank: 5, label: `(${m[1]})`, value, sub: 0, rest: trimRest(line.slice(m[0].length)) };
    }
    m = RE_PAREN_ARABIC.exec(line);
    if (m) {
      const value = Number(m[1]!.replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10)));
      if (value === 0) return null;
      return { style: 'paren-arabic', level: 'point', rank: 7, label: `(${value})`, value, sub: 0, rest: trimRest(line.slice(m[0].length)) };
    }
    return null;
  }
  if (first >= 0x2460 && first <= 0x2473) {
    const m = RE_CIRCLED.exec(line)!;
    return { style: 'circled', level: 'point', rank: 8, label: m[1]!, value: first - 0x245f, sub: 0, rest: trimRest(line.slice(1)) };
  }
  if ((first >= 0x30 && first <= 0x39) || (first >= 0xff10 && first <= 0xff19)) {
    const m = RE_ARABIC.exec(line);
    if (!m) return null;
    const value = Number(m[1]!.replace(/[０-９]/g, (c) => String(c.charCodeAt(0) - 0xff10)));
    if (value === 0) return null;
    return { style: 'arabic', level: 'subitem', rank: 6, label: String(value), value, sub: 0, rest: trimRest(line.slice(m[0].length)) };
  }
  if (CN_NUMERAL_CHARS.includes(line[0] ?? '')) {
    const m = RE_CN.exec(line);
    if (!m) return null;
    const value = parseChineseNumber(m[1]!);
    if (value === null || value === 0 || value > 60) return null;
    return { style: 'cn', level: 'part', rank: 4, label: m[1]!, value, sub: 0, rest: trimRest(line.slice(m[0].length)) };
  }
  return null;
}
