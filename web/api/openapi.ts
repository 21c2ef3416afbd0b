/** The OpenAPI 3.1 description of /api, hand-written (served at /api/openapi.json). */

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const q = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({ name, in: 'query', required: false, description, schema });
const dateSchema = { type: 'string', format: 'date', example: '2027-10-15' };
const errors = {
  '400': { description: 'A parameter the server cannot use', content: { 'application/json': { schema: ref('Error') } } },
  '401': { description: 'Not signed in and no valid Bearer token (unless the server runs with --public)', content: { 'application/json': { schema: ref('Error') } } },
};
const forbidden = { description: 'Signed in without the right (admin role, or not the owner), or a cookie request from another site', content: { 'application/json': { schema: ref('Error') } } };
const notFound = { description: 'None such among those the reader may see', content: { 'application/json': { schema: ref('Error') } } };
const idPath = (what: string) => ({ name: 'id', in: 'path', required: true, description: `${what} id`, schema: { type: 'integer' } });
const list = { oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', description: 'comma-separated' }] };
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
    '/api/subscriptions': {
      get: {
        summary: "Subscriptions: an admin's are everyone's (and the CLI's), a viewer's their own. Secrets never included.",
        parameters: [q('all', '1: include stopped ones')],
        responses: { '200': { description: '{ subscriptions }', content: { 'application/json': { schema: { type: 'object', properties: { subscriptions: { type: 'array', items: ref('Subscription') } } } } } }, ...errors },
      },
      post: {
        summary: "Subscribe (as the signed-in user); the same owner and address again replaces the filters and secret. A webhook's signing secret is in this answer only.",
        requestBody: { required: true, content: { 'application/json': { schema: ref('SubscriptionInput') }, 'application/x-www-form-urlencoded': { schema: ref('SubscriptionInput') } } },
        responses: {
          '201': { description: 'Created', content: { 'application/json': { schema: ref('SubscriptionCreated') } } },
          '200': { description: 'Replaced an existing one of the same owner and address', content: { 'application/json': { schema: ref('SubscriptionCreated') } } },
          '403': forbidden,
          ...errors,
        },
      },
    },
    '/api/subscriptions/{id}': {
      get: { summary: 'One subscription the reader may see', parameters: [idPath('subscription')], responses: { '200': { description: '{ subscription }' }, '404': notFound, ...errors } },
      delete: { summary: 'Stop a subscription (viewers: their own); its unsent alerts are skipped', parameters: [idPath('subscription')], responses: { '204': { description: 'Stopped' }, '403': forbidden, '404': notFound, ...errors } },
    },
    '/api/alerts': {
      get: {
        summary: "Alerts newest first, with delivery state (a viewer: their subscriptions' alerts)",
        parameters: [
          q('status', 'only this state', { type: 'string', enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] }),
          q('subscription', 'only this subscription', { type: 'integer' }),
          q('before', 'older than this alert id (the `nextBefore` of the previous page)', { type: 'integer' }),
          q('limit', 'alerts per page (default 50)', { type: 'integer', minimum: 1, maximum: 500 }),
        ],
        responses: { '200': { description: 'One page', content: { 'application/json': { schema: ref('AlertPage') } } }, ...errors },
      },
    },
    '/api/alerts/{id}/retry': {
      post: { summary: 'Send a failed alert again (viewers: alerts of their subscriptions)', parameters: [idPath('alert')], responses: { '200': { description: 'Retried', content: { 'application/json': { schema: ref('Retry') } } }, '403': forbidden, '404': notFound, ...errors } },
    },
    '/api/alerts/retry': {
      post: { summary: 'Send every failed alert the reader may retry again', responses: { '200': { description: 'Retried', content: { 'application/json': { schema: ref('Retry') } } }, '403': forbidden, ...errors } },
    },
    '/api/sources': {
      get: { summary: 'Sources the workers fetch, with schedule and health', parameters: [q('all', '1: include inactive ones')], responses: { '200': { description: '{ sources }' }, ...errors } },
      post: {
        summary: 'Add or update a source (admins only), as `sources add`',
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['url', 'every'],
                properties: { url: { type: 'string', format: 'uri' }, every: { type: 'string', example: '1h' }, render: { type: 'boolean' }, links: { type: 'string', description: 'CSS selector: a listing page' }, waitFor: { type: 'string' } },
              },
            },
          },
        },
        responses: { '201': { description: '{ source, created, scheduled }' }, '200': { description: 'Updated' }, '403': forbidden, ...errors },
      },
    },
    '/api/sources/{id}': {
      delete: { summary: 'Remove a source and its schedule (admins only); snapshots and documents stay', parameters: [idPath('source')], responses: { '204': { description: 'Removed' }, '403': forbidden, '404': notFound, ...errors } },
    },
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
        properties: {
          on: dateSchema,
          total: { type: 'integer', description: 'matches, counted up to 10000' },
          totalExact: { type: 'boolean', description: 'false when there are more than `total`' },
          page: { type: 'integer' },
          perPage: { type: 'integer' },
          hasNext: { type: 'boolean' },
          documents: { type: 'array', items: ref('DocumentSummary') },
        },
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
      SubscriptionFilters: {
        type: 'object',
        properties: {
          issuers: { type: 'array', items: { type: 'string' } },
          regions: { type: 'array', items: { type: 'string' } },
          keywords: { type: 'array', items: { type: 'string' } },
          numberPrefixes: { type: 'array', items: { type: 'string' } },
          alertKinds: { type: 'array', items: { enum: ['new', 'revised', 'repeal', 'expiring', 'expired'] } },
          warnDays: { type: 'array', items: { type: 'integer' } },
          changes: { type: 'array', items: { type: 'string' } },
        },
      },
      Subscription: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          name: { type: 'string' },
          channel: { enum: ['webhook', 'email'] },
          target: { type: 'string', description: 'e-mail address, or the webhook URL without its query and with long path segments shortened' },
          filters: ref('SubscriptionFilters'),
          active: { type: 'boolean' },
          createdAt: { type: 'string', format: 'date-time' },
          userId: { type: ['integer', 'null'], description: 'owner; null when made with the CLI' },
          owner: { type: ['string', 'null'] },
          hasSecret: { type: 'boolean' },
        },
      },
      SubscriptionInput: {
        type: 'object',
        description: 'channel + target, or webhook or email (as on the command line); the filters of `subscribe`',
        properties: {
          channel: { enum: ['webhook', 'email'] },
          target: { type: 'string' },
          webhook: { type: 'string', format: 'uri' },
          email: { type: 'string', format: 'email' },
          name: { type: 'string' },
          issuers: list,
          regions: list,
          keywords: list,
          numberPrefixes: list,
          kinds: { ...list, description: 'new, revised, repeal, expiring, expired' },
          warnDays: { oneOf: [{ type: 'array', items: { type: 'integer' } }, { type: 'string', example: '90,30,7' }] },
          changes: { ...list, description: 'amount, window, support-added, … (pipeline/alert-match.ts CHANGE_CLASSES)' },
        },
      },
      SubscriptionCreated: {
        type: 'object',
        properties: { subscription: ref('Subscription'), created: { type: 'boolean' }, secret: { type: ['string', 'null'], description: 'webhooks: the HMAC signing secret, in this answer only' } },
      },
      Alert: {
        type: 'object',
        properties: {
          id: { type: 'integer' },
          kind: { type: 'string' },
          status: { enum: ['pending', 'sending', 'sent', 'failed', 'skipped'] },
          subscription: { type: ['object', 'null'], properties: { id: { type: 'integer' }, name: { type: 'string' }, channel: { type: 'string' }, target: { type: 'string' } } },
          document: { type: ['object', 'null'], properties: { id: { type: 'integer' }, title: { type: 'string' }, docNumber: { type: ['string', 'null'] } } },
          summary: { type: 'string' },
          attempts: { type: 'integer' },
          lastError: { type: ['string', 'null'] },
          response: { type: ['string', 'null'] },
          createdAt: { type: 'string', format: 'date-time' },
          sentAt: { type: ['string', 'null'], format: 'date-time' },
          nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
          dueOn: { type: ['string', 'null'], format: 'date' },
          threshold: { type: ['integer', 'null'] },
        },
      },
      AlertPage: {
        type: 'object',
        properties: {
          alerts: { type: 'array', items: ref('Alert') },
          counts: { type: 'object', properties: Object.fromEntries(['pending', 'sending', 'sent', 'failed', 'skipped'].map((k) => [k, { type: 'integer' }])) },
          nextBefore: { type: ['integer', 'null'] },
        },
      },
      Retry: { type: 'object', properties: { retried: { type: 'array', items: { type: 'integer' } }, queued: { type: 'boolean', description: 'false: Redis away, a worker sends them when it runs' } } },
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
