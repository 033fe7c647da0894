import fc from 'fast-check';

/**
 * Request generators for the fuzz test, built from the OpenAPI document the gateway serves: for
 * one operation, a path with fuzzed ids, a query string, headers and a body. Values are mostly
 * shaped by the schema (so requests get past parsing into the handlers), with hostile values
 * mixed in at every level: control characters, odd Unicode, wrong types, huge and numeric-looking
 * strings, missing and extra keys, bodies that are not JSON.
 */

type Schema = {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, Schema>;
  required?: string[];
};
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema: Schema;
}
export interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; security?: unknown[] }>>;
  components?: { schemas?: Record<string, Schema> };
}
export interface Operation {
  method: string;
  /** As in the document: `/concerts/{concertId}`. */
  path: string;
}

/** Which credential a case sends; the test resolves it when it sends (a fan's token can change). */
export type Credential = 'fan' | 'other-fan' | 'admin' | 'none' | 'garbage';
export type QueueCredential = 'valid' | 'none' | 'garbage';

export interface FuzzCase {
  /** Path and query string, below the API base. */
  url: string;
  auth: Credential;
  authRaw: string;
  queue: QueueCredential;
  queueRaw: string;
  headers: Record<string, string>;
  body?: string;
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
}

const HOSTILE = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\u001b[2J',
  '\r\n',
  '\t',
  '\u007f',
  '\u0085',
  '\uFEFF',
  '\u202E',
  '\uD800',
  '🎫',
  '../../etc/passwd',
  '%00',
  '%',
  '%zz',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${7*7}',
  'null',
  'undefined',
  'true',
  '__proto__',
  'constructor',
  '0',
  '-1',
  '0.00',
  '-0.01',
  '1e309',
  '99999999999999999999.99',
  'NaN',
  'Infinity',
  '١٢٣',
  '00000000-0000-0000-0000-000000000000',
  'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
  'x'.repeat(5000),
];

/** Strings no schema would want: control characters, any code point, hostile constants. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(...'0123456789.-+eE, '), maxLength: 30 }),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom(null, true, 0, -1, 1.5, 1e308, Number.MAX_SAFE_INTEGER + 2, [], {}) },
);

/** Ids: the platform's real ones (so requests reach deep), other casings of them, random and hostile ones. */
function idArb(ids: string[]): fc.Arbitrary<string> {
  const real = fc.constantFrom(...ids);
  return fc.oneof(
    { weight: 4, arbitrary: real },
    { weight: 2, arbitrary: fc.tuple(real, fc.array(fc.boolean(), { minLength: 36, maxLength: 36 })).map(([id, up]) => [...id].map((c, i) => (up[i] ? c.toUpperCase() : c)).join('')) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: hostileString },
  );
}

const money = fc.oneof(
  fc.integer({ min: 0, max: 100_000_000 }).map((n) => (n / 100).toFixed(2)),
  fc.integer({ min: 0, max: 1_000_000 }).map(String),
  fc.constantFrom('0.00', '0', '0.001', '-1.00', '1,000.00', ' 5.00 ', '5.', '.5', '1e3', '10000000000.00'),
);

function resolve(doc: OpenApiDoc, s: Schema): Schema {
  if (!s.$ref) return s;
  const name = s.$ref.replace('#/components/schemas/', '');
  const target = doc.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${s.$ref}`);
  return resolve(doc, target);
}

/** A value the schema accepts (as far as a generator can tell). */
function validFor(doc: OpenApiDoc, raw: Schema, name: string, ids: string[]): fc.Arbitrary<unknown> {
  const s = resolve(doc, raw);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (name === 'amount' || name === 'price') return money;
  switch (s.type) {
    case 'integer':
      return fc.integer({ min: s.minimum ?? -1_000_000, max: s.maximum ?? 1_000_000 });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'object':
      return objectFor(doc, s, ids);
    case 'string':
    default:
      if (s.format === 'uuid') return idArb(ids);
      if (s.format === 'email') return fc.emailAddress();
      if (s.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (s.pattern) return fc.stringMatching(new RegExp(s.pattern));
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 64, 300) });
  }
}

/** Valid most of the time, hostile at any property. */
function fuzzedFor(doc: OpenApiDoc, s: Schema, name: string, ids: string[]): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 5, arbitrary: validFor(doc, s, name, ids) }, { weight: 2, arbitrary: hostileValue });
}

function objectFor(doc: OpenApiDoc, s: Schema, ids: string[]): fc.Arbitrary<Record<string, unknown>> {
  const props = s.properties ?? {};
  const shape = Object.fromEntries(Object.entries(props).map(([k, p]) => [k, fuzzedFor(doc, p, k, ids)]));
  const required = (s.required ?? []).filter((k) => k in shape);
  const base = fc.oneof(
    { weight: 4, arbitrary: fc.record(shape, { requiredKeys: required }) },
    { weight: 1, arbitrary: fc.record(shape, { requiredKeys: [] }) },
  );
  // Extra keys: some harmless, some that prototype pollution or a role field would use.
  const extra = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'role', 'userId', 'id', 'status', 'balance'), fc.string({ maxLength: 10 })), hostileValue, { maxKeys: 3 });
  return fc.tuple(base, fc.option(extra, { freq: 4 })).map(([b, e]) => (e ? { ...e, ...b } : b));
}

function bodyFor(doc: OpenApiDoc, op: Operation, ids: string[]): fc.Arbitrary<{ body?: string; contentType?: string }> {
  const schema = doc.paths[op.path]?.[op.method.toLowerCase()]?.requestBody?.content['application/json']?.schema;
  const json = 'application/json';
  const anyType = fc.constantFrom(json, 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'multipart/form-data; boundary=x', 'application/problem+json', '*/*');
  const shaped = schema ? fuzzedFor(doc, schema, '', ids).map((v) => ({ body: JSON.stringify(v) ?? 'null', contentType: json })) : fc.constant({});
  return fc.oneof(
    { weight: 8, arbitrary: shaped },
    { weight: 1, arbitrary: fc.record({ body: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null'), contentType: anyType }) },
    { weight: 1, arbitrary: fc.record({ body: fc.oneof(hostileString, fc.constantFrom('{', '{"a":', '[1,2', '{"a":1}{"b":2}', '\u0000{}', '[' .repeat(200) + ']'.repeat(200))), contentType: anyType }) },
    { weight: 1, arbitrary: fc.constant({}) },
  );
}

function queryFor(doc: OpenApiDoc, op: Operation, ids: string[]): fc.Arbitrary<string> {
  const params = (doc.paths[op.path]?.[op.method.toLowerCase()]?.parameters ?? []).filter((p) => p.in === 'query');
  const declared = params.map((p) => fc.option(fuzzedFor(doc, p.schema, p.name, ids).map((v) => [p.name, String(v)] as [string, string]), { freq: 2 }));
  const extra = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...params.map((p) => p.name), 'a', '__proto__', 'status[x]', 'limit[]'), fc.string({ maxLength: 8 })), hostileString), { maxLength: 3 });
  return fc.tuple(fc.tuple(...declared), extra).map(([d, e]) => {
    const pairs = [...d.filter((x): x is [string, string] => x !== null), ...e];
    return pairs.length ? `?${pairs.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&')}` : '';
  });
}

/** encodeURIComponent, except that a lone surrogate goes out as invalid UTF-8 (%ED%A0%80): a client can send that too. */
function encode(v: string): string {
  let out = '';
  for (const ch of v) {
    try {
      out += encodeURIComponent(ch);
    } catch {
      out += '%ED%A0%80';
    }
  }
  return out;
}

const headerSafe = (name: string, value: string): boolean => {
  try {
    new Headers({ [name]: value });
    return true;
  } catch {
    return false;
  }
};
/** Header values fetch can send (no CR, LF, NUL, nothing above U+00FF). */
const headerValue = (name: string, arb: fc.Arbitrary<string>) => arb.filter((v) => headerSafe(name, v));

function headersFor(doc: OpenApiDoc, op: Operation): fc.Arbitrary<Record<string, string>> {
  const params = (doc.paths[op.path]?.[op.method.toLowerCase()]?.parameters ?? []).filter((p) => p.in === 'header');
  const idem = params.some((p) => p.name === 'idempotency-key');
  const idemKey = fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9_-]{1,64}$/) },
    { weight: 1, arbitrary: headerValue('idempotency-key', hostileString) },
    { weight: 1, arbitrary: fc.constant('') },
  );
  return fc
    .record(
      {
        'idempotency-key': idem ? idemKey : headerValue('idempotency-key', hostileString),
        'x-request-id': headerValue('x-request-id', hostileString),
        'x-forwarded-for': headerValue('x-forwarded-for', fc.oneof(fc.ipV4(), fc.ipV6(), hostileString)),
        'x-request-deadline-ms': fc.oneof(fc.integer().map(String), hostileString.filter((v) => headerSafe('x', v))),
        accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
      },
      { requiredKeys: idem ? ['idempotency-key'] : [] },
    )
    .map((h) => h as Record<string, string>);
}

/** The arbitrary of one operation's requests. */
export function requestsFor(doc: OpenApiDoc, op: Operation, ids: string[]): fc.Arbitrary<FuzzCase> {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const path = fc.tuple(...pathParams.map(() => idArb(ids))).map((values) => {
    let p = op.path;
    pathParams.forEach((name, i) => (p = p.replace(`{${name}}`, encode(values[i]!))));
    return p;
  });
  const token = headerValue('authorization', hostileString);
  return fc
    .record({
      path,
      query: queryFor(doc, op, ids),
      auth: fc.constantFrom<Credential>('fan', 'fan', 'fan', 'admin', 'admin', 'other-fan', 'none', 'garbage'),
      authRaw: fc.oneof(token, token.map((t) => `Bearer ${t}`), fc.constant('Bearer a.b.c'), fc.constant('Basic YTpi')),
      queue: fc.constantFrom<QueueCredential>('valid', 'valid', 'none', 'garbage'),
      queueRaw: headerValue('x-queue-token', hostileString),
      headers: headersFor(doc, op),
      body: bodyFor(doc, op, ids),
    })
    .map(({ path: p, query, body, headers, ...rest }) => ({
      url: p + query,
      headers: body.contentType ? { ...headers, 'content-type': body.contentType } : headers,
      body: body.body,
      ...rest,
    }));
}
