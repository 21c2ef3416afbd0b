/** JSON API: documents (search, one, diff), expiring, users (admin). Shapes in web/api/openapi.ts. */
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';
import { listUsers } from '../../db/users.repository.ts';
import { diffJson } from '../../pipeline/render-diff.ts';
import { requireRole } from '../auth.ts';
import { diffData, documentData, expiringData, listData } from '../data.ts';
import { date, within, type Query } from '../params.ts';

/** Window of `GET /api/expiring` without `within` (as `expiring` on the command line). */
const DEFAULT_WITHIN_DAYS = 90;

export function registerApi(app: FastifyInstance, db: Kysely<Database>, today: () => string): void {
  app.get('/api/documents', async (req) => {
    const q = req.query as Query;
    const on = date(q, 'on') ?? today();
    const { page } = await listData(db, q, on);
    return { on, ...page };
  });

  app.get<{ Params: { ref: string } }>('/api/documents/:ref', async (req) => {
    const q = req.query as Query;
    const on = date(q, 'on') ?? today();
    const d = await documentData(db, req.params.ref, on, null);
    return {
      on,
      document: d.history.document,
      validity: {
        effective: d.history.document.effective,
        expires: d.history.document.expires,
        basis: d.basis.get(d.outline?.seq ?? d.history.versions.length) ?? null,
      },
      relations: d.links,
      versions: d.history.versions.map((v) => ({ ...v, basis: d.basis.get(v.seq) ?? null })),
    };
  });

  app.get<{ Params: { ref: string } }>('/api/documents/:ref/diff', async (req) => {
    const d = await diffData(db, req.params.ref, req.query as Query, null);
    return diffJson(d.diff);
  });

  app.get('/api/expiring', async (req) => {
    const q = req.query as Query;
    const on = date(q, 'on') ?? today();
    return expiringData(db, on, within(q, DEFAULT_WITHIN_DAYS));
  });

  app.get('/api/users', { preHandler: requireRole('admin') }, async () => ({ users: await listUsers(db) }));

  app.get('/api/me', async (req) => ({ user: req.user }));
}
