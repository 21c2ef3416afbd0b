/**
 * The one escape helper of the pages: a tagged template that escapes every interpolated value
 * (policy texts are untrusted input) unless it is already {@link Raw} HTML built by this template.
 *
 * @example
 * html`<h1>${doc.title}</h1>`           // `<script>` in the title becomes `&lt;script&gt;`
 * html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`
 */
import { escapeHtml } from '../pipeline/render-diff.ts';

/** HTML that is safe to insert as is (produced by {@link html}). */
export class Raw {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

type Value = Raw | string | number | null | undefined | false | readonly Value[];

function part(v: Value): string {
  if (v === null || v === undefined || v === false) return '';
  if (v instanceof Raw) return v.value;
  if (Array.isArray(v)) return (v as readonly Value[]).map(part).join('');
  return escapeHtml(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Value[]): Raw {
  let out = strings[0]!;
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1]!;
  });
  return new Raw(out);
}

/** A query string from the non-empty values, `?a=1&b=2` (or ''). */
export function queryString(params: Readonly<Record<string, string | number | undefined | null>>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export { escapeHtml };
