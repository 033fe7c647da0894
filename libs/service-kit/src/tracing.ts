import { context, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type SpanContext } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { RequestHandler } from 'express';

/** Every span of ours comes from this tracer (the API's no-op one until startTracing registers a provider). */
export const tracer = () => trace.getTracer('concert-booking');

let provider: NodeTracerProvider | undefined;

/** True once startTracing registered a provider: without one, requests and calls skip every span step. */
export const tracingActive = (): boolean => provider !== undefined;

/** True when traces are wanted: an OTLP endpoint is configured and the SDK is not disabled. */
export function tracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OTEL_SDK_DISABLED === 'true') return false;
  return !!(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT);
}

/**
 * Registers the process-wide tracer provider: W3C trace context (`traceparent`) propagation,
 * async-context tracking, and export over OTLP/HTTP to OTEL_EXPORTER_OTLP_ENDPOINT (the
 * exporter reads the standard OTEL_EXPORTER_OTLP_* variables, the batch processor OTEL_BSP_*).
 * Without an endpoint nothing is registered: the API stays a no-op, no span is made, no header
 * is written. Tests pass their own processors (an in-memory exporter). One provider per process.
 */
export function startTracing(serviceName: string, opts: { env?: NodeJS.ProcessEnv; spanProcessors?: SpanProcessor[] } = {}): boolean {
  if (provider) return true;
  const processors = opts.spanProcessors ?? (tracingConfigured(opts.env) ? [new BatchSpanProcessor(new OTLPTraceExporter())] : []);
  if (processors.length === 0) return false;
  provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    spanProcessors: processors,
  });
  provider.register();
  return true;
}

/** Exports what is buffered and unregisters; called last at shutdown (serve's closers). */
export async function stopTracing(): Promise<void> {
  const p = provider;
  provider = undefined;
  if (!p) return;
  await p.shutdown().catch(() => undefined);
  trace.disable();
  propagation.disable();
  context.disable();
}

// Probes and scrapes would be most of the spans and tell nothing.
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * A SERVER span per request, child of the caller's `traceparent` when there is one, active for
 * the rest of the request (so outgoing calls and outbox rows carry it on).
 */
export const traceRequests: RequestHandler = (req, res, next) => {
  if (!provider || UNTRACED.has(req.path)) return next();
  const parent = propagation.extract(context.active(), req.headers);
  const span = tracer().startSpan(req.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': req.path } }, parent);
  res.once('close', () => {
    const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
    if (route) {
      span.updateName(`${req.method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
  context.with(trace.setSpan(parent, span), next);
};

/**
 * Runs `fn` inside a new span of `kind` (child of `parent`, default the active context); the
 * span records a thrown error and ends when `fn` settles.
 */
export async function inSpan<T>(
  name: string,
  o: { kind: SpanKind; attributes?: Attributes; parent?: Context; links?: Array<{ context: SpanContext }> },
  fn: (span: Span, ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = o.parent ?? context.active();
  const span = tracer().startSpan(name, { kind: o.kind, attributes: o.attributes, links: o.links }, parent);
  const ctx = trace.setSpan(parent, span);
  try {
    return await context.with(ctx, () => fn(span, ctx));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}

/** Writes the active (or given) trace context into `headers` as W3C `traceparent`/`tracestate`. */
export function injectTraceContext(headers: Record<string, string>, ctx: Context = context.active()): Record<string, string> {
  propagation.inject(ctx, headers);
  return headers;
}

export { SpanKind };
