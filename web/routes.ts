/** The review pages: HTML in, HTML out; data from web/data.ts, markup from web/pages/. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { csrfTokenOf } from './auth.ts';
import { topIssuers } from '../db/web.repository.ts';
import { renderDiffHtml, renderDiffMarkdown } from '../pipeline/render-diff.ts';
import { diffData, documentData, EXPIRING_DAYS, expiringData, listData } from './data.ts';
import { diffPage } from './pages/diff.ts';
import { documentPage } from './pages/document.ts';
import { documentsPage } from './pages/documents.ts';
import { expiringPage } from './pages/expiring.ts';
import type { PageContext } from './pages/layout.ts';
import { date, type Query } from './params.ts';

const HTML = 'text/html; charset=utf-8';

export function ctxOf(req: FastifyRequest, section: PageContext['section']): PageContext {
  return { user: req.user ? { name: req.user.name, role: req.user.role } : null, section, csrf: csrfTokenOf(req.sessionToken) };
}

/** How long the issuer choices of the list are reused (they scan every document). */
const ISSUERS_TTL_MS = 60_000;

export function registerPages(app: FastifyInstance, db: Kysely<Database>, today: () => string): void {
  let issuers: { at: number; list: Promise<string[]> } | null = null;
  const issuerChoices = (): Promise<string[]> => {
    if (issuers === null || Date.now() - issuers.at > ISSUERS_TTL_MS) issuers = { at: Date.now(), list: topIssuers(db).catch(() => []) };
    return issuers.list;
  };
  app.get('/', async (req, reply) => {
    const q = req.query as Query;
    const on = date(q, 'on') ?? today();
    const [{ filters, page }, issuers] = await Promise.all([listData(db, q, on), issuerChoices()]);
    return reply.type(HTML).send(documentsPage(ctxOf(req, 'documents'), { page, filters, issuers, on }));
  });

  app.get<{ Params: { ref: string } }>('/documents/:ref', async (req, reply) => {
    const on = date(req.query as Query, 'on') ?? today();
    const data = await documentData(db, req.params.ref, on, req.user);
    return reply.type(HTML).send(documentPage(ctxOf(req, 'documents'), data));
  });

  app.get<{ Params: { ref: string } }>('/documents/:ref/diff', async (req, reply) => {
    const data = await diffData(db, req.params.ref, req.query as Query, req.user);
    return reply.type(HTML).send(diffPage(ctxOf(req, 'documents'), data));
  });

  app.get<{ Params: { ref: string } }>('/documents/:ref/diff.html', async (req, reply) => {
    const data = await diffData(db, req.params.ref, req.query as Query, null);
    return reply.type(HTML).header('content-disposition', `inline; filename="diff-${data.diff.document.id}-${data.diff.from.seq}-${data.diff.to.seq}.html"`).send(renderDiffHtml(data.diff));
  });

  app.get<{ Params: { ref: string } }>('/documents/:ref/diff.md', async (req, reply) => {
    const data = await diffData(db, req.params.ref, req.query as Query, null);
    return reply
      .type('text/markdown; charset=utf-8')
      .header('content-disposition', `attachment; filename="diff-${data.diff.document.id}-${data.diff.from.seq}-${data.diff.to.seq}.md"`)
      .send(renderDiffMarkdown(data.diff));
  });

  app.get('/expiring', async (req, reply) => {
    const on = date(req.query as Query, 'on') ?? today();
    const list = await expiringData(db, on, EXPIRING_DAYS);
    return reply.type(HTML).send(expiringPage(ctxOf(req, 'expiring'), { on, items: list.items }));
  });
}
