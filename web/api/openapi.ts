/** The OpenAPI 3.1 description of /api, hand-written (served at /api/openapi.json). */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const dateSchema = { type: 'string', format: 'date', example: '2027-10-15' };
const errors = {
  '400': { description: 'A parameter the server cannot use', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'Not signed in and no valid Bearer token (unless the server runs with --public)', content: { 'application/json': { schema: ref('Error') } } },
};
const docRef = { name: 'ref', in: 'path', required: true, description: 'id, document number (any bracket style, or a unique part such as 1752), or a unique part of the title', schema: { type: 'string' } };

export const OPENAPI = {
  openapi: '3.1.0',
  info: { title: 'policy-tracker API', version: '0.1.0', description: 'Chinese government policy texts, their versions, changes and expiry dates.' },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }, { session: [] }],
  paths: {
    '/api/documents': {
      get: {
        summary: 'Documents, newest signed first, with search, filters and pages',
        parameters: [
          q('q', 'words looked for in title, number (any part, e.g. 1752), issuers and text'),
          q('status', 'status on `on`', { type: 'string', enum: ['in_force', 'pending', 'expired', 'repealed', 'unknown'] }),
          q('issuer', 'part of an issuer name'),
          q('kind', 'policy or news', { type: 'string', enum: ['policy', 'news'] }),
          q('from', 'signed on or after', dateSchema),
          q('to', 'signed on or before', dateSchema),
          q('on', 'day statuses are computed for (default today in China)', dateSchema),
          q('page', '1-based page', { type: 'integer', minimum: 1 }),
          q('perPage', 'documents per page (default 20)', { type: 'integer', minimum: 1, maximum: 100 }),
        ],
        responses: { '200': { description: 'One page', content: { 'application/json': { schema: ref('DocumentPage') } } }, ...errors },
      },
    },
    '/api/documents/{ref}': {
      get: {
        summary: 'One document: metadata, validity with its basis sentence, relations, versions',
        parameters: [docRef, q('on', 'day the status is computed for', dateSchema)],
        responses: {
          '200': { description: 'The document', content: { 'application/json': { schema: ref('DocumentDetail') } } },
          '404': { description: 'No such document', content: { 'application/json': { schema: ref('Error') } } },
          '409': { description: 'The reference matches several documents (candidates listed)', content: { 'application/json': { schema: ref('Error') } } },
          ...errors,
        },
      },
    },
    '/api/documents/{ref}/diff': {
      get: {
        summary: 'Changes between two versions (the `compare --json` contract, then document/from/to)',
        parameters: [docRef, q('from', 'earlier version (default: the one before `to`)', { type: 'integer' }), q('to', 'later version (default: the latest)', { type: 'integer' })],
        responses: { '200': { description: 'The changes', content: { 'application/json': { schema: ref('Diff') } } }, '404': { description: 'No such document' }, ...errors },
      },
    },
    '/api/expiring': {
      get: {
        summary: 'Documents and measures ending within a window, soonest first, with the sentence the date comes from',
        parameters: [q('within', '90d, 6m, 1y (default 90d)'), q('on', 'first day of the window (default today in China)', dateSchema)],
        responses: { '200': { description: 'Items', content: { 'application/json': { schema: ref('Expiring') } } }, ...errors },
      },
    },
    '/api/users': {
      get: { summary: 'Accounts (admins only)', responses: { '200': { description: 'Users' }, '403': { description: 'Signed in without the admin role' }, ...errors } },
    },
    '/api/me': { get: { summary: 'Who is signed in', responses: { '200': { description: '{ user }' }, ...errors } } },
  },
  components: {
    securitySchemes: {
      bearer: { type: 'http', scheme: 'bearer', description: 'API token from `policy-tracker users token <name>`' },
      session: { type: 'apiKey', in: 'cookie', name: 'pt_session', description: 'set by POST /login' },
    },
    schemas: {
      Error: { type: 'object', required: ['error', 'message'], properties: { error: { type: 'string' }, message: { type: 'string' }, candidates: { type: 'array', items: { type: 'object' } } } },
      DocumentSummary: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          docNumber: { type: ['string', 'null'] },
          title: { type: 'string' },
          kind: { type: 'string', enum: ['policy', 'news'] },
          issuers: { type: 'array', items: { type: 'string' } },
          status: { type: 'string', enum: ['in_force', 'pending', 'expired', 'repealed', 'unknown'] },
          effective: { type: ['string', 'null'], format: 'date' },
          expires: { type: ['string', 'null'], format: 'date' },
          versions: { type: 'integer' },
          signedOn: { type: ['string', 'null'], format: 'date' },
          endedOn: { type: ['string', 'null'], format: 'date' },
          repealedBy: { type: ['object', 'null'] },
        },
      },
      DocumentPage: {
        type: 'object',
        properties: { on: dateSchema, total: { type: 'integer' }, page: { type: 'integer' }, perPage: { type: 'integer' }, documents: { type: 'array', items: ref('DocumentSummary') } },
      },
      DocumentDetail: {
        type: 'object',
        properties: {
          on: dateSchema,
          document: ref('DocumentSummary'),
          validity: { type: 'object', properties: { effective: { type: ['string', 'null'] }, expires: { type: ['string', 'null'] }, basis: { type: ['string', 'null'] } } },
          relations: {
            type: 'array',
            items: { type: 'object', properties: { kind: { enum: ['repeals', 'cites'] }, direction: { enum: ['out', 'in'] }, documentId: { type: ['integer', 'null'] }, docNumber: { type: ['string', 'null'] }, title: { type: ['string', 'null'] } } },
          },
          versions: { type: 'array', items: { type: 'object', description: 'as `history --json` versions, plus `basis`' } },
        },
      },
      Diff: {
        type: 'object',
        required: ['changes', 'summary', 'document', 'from', 'to'],
        properties: {
          changes: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                op: { enum: ['modified', 'added', 'deleted', 'renumbered', 'moved'] },
                old: { type: ['string', 'null'] },
                new: { type: ['string', 'null'] },
                similarity: { type: 'number' },
                diff: { type: 'array', items: { type: 'object', properties: { op: { enum: ['equal', 'delete', 'insert'] }, text: { type: 'string' } } } },
              },
            },
          },
          summary: { type: 'object', properties: Object.fromEntries(['modified', 'added', 'deleted', 'renumbered', 'unchanged', 'moved'].map((k) => [k, { type: 'integer' }])) },
          document: { type: 'object' },
          from: { type: 'object' },
          to: { type: 'object' },
        },
      },
      Expiring: {
        type: 'object',
        properties: {
          on: dateSchema,
          until: dateSchema,
          items: {
            type: 'array',
            items: {
              type: 'object',
              properties: {
                kind: { enum: ['document', 'measure'] },
                document: { type: 'object' },
                path: { type: ['string', 'null'] },
                startsOn: { type: ['string', 'null'] },
                endsOn: { type: 'string' },
                daysLeft: { type: 'integer' },
                status: { type: 'string' },
                basis: { type: ['string', 'null'] },
              },
            },
          },
        },
      },
    },
  },
} as const;
