/**
 * The image's HEALTHCHECK (no curl in a slim image): `node dist/tools/healthcheck.js [/healthz]`
 * asks the service in this container on its own port; exit 0 when it answers 2xx.
 */
const DEFAULT_PORTS: Record<string, number> = { gateway: 8080, 'queue-service': 8081, 'booking-service': 8082, 'payment-service': 8083 };
const port = process.env.GATEWAY_PORT || process.env.PORT || DEFAULT_PORTS[process.env.APP ?? 'gateway'] || 8080;
const path = process.argv[2] ?? '/healthz';

fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2500) }).then(
  (res) => process.exit(res.ok ? 0 : 1),
  () => process.exit(1),
);
