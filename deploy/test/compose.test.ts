import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateSecretsEnv } from '@concert/ops';
import { parseEnvFile, parseIssues, ROOT, SERVICE_NAMES, SERVICES, unknownKeys, type ServiceName } from './service-config';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  restart?: string;
  volumes?: string[];
}
const FILE = resolve(ROOT, 'infra/docker-compose.yml');
const compose = parse(readFileSync(FILE, 'utf8'), { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const services = compose.services;
const envOf = (s: ComposeService) => Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));
const ONE_SHOTS = ['kafka-topics', 'secrets', 'migrate', 'seed'];

function hasDockerCompose(): boolean {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('infra/docker-compose.yml', () => {
  it.skipIf(!hasDockerCompose())('is valid for the Compose client (docker-compose config)', () => {
    execFileSync('docker-compose', ['-f', FILE, 'config', '-q'], { stdio: 'pipe' });
  });

  it('has the four services, the engines and the one-shots', () => {
    expect(Object.keys(services).sort()).toEqual([...SERVICE_NAMES, 'postgres', 'redis', 'kafka', ...ONE_SHOTS].sort());
  });

  it.each(SERVICE_NAMES)('%s: env fits its config schema, with the shared secrets', async (name) => {
    const env = { ...envOf(services[name]!), ...parseEnvFile(generateSecretsEnv()) };
    expect(env.APP).toBe(name);
    expect(await unknownKeys(name, envOf(services[name]!))).toEqual([]);
    expect(await parseIssues(name, env)).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
  });

  it.each(SERVICE_NAMES)('%s: no host port but the gateway, probed on /readyz, restarted, shares the secrets volume', (name) => {
    const s = services[name]!;
    expect(s.ports ?? []).toEqual(name === 'gateway' ? ['127.0.0.1:8080:8080'] : []);
    expect(s.healthcheck?.test.join(' ')).toContain('/readyz');
    expect(s.restart).toBe('unless-stopped');
    expect(s.volumes).toContain('secrets:/var/lib/concert/secrets:ro');
    const env = envOf(s);
    expect(Number(env.GATEWAY_PORT ?? env.PORT)).toBe(SERVICES[name].port);
  });

  it('every URL a service calls names a service of the file, on the port it listens on', () => {
    for (const name of SERVICE_NAMES) {
      const env = envOf(services[name]!);
      for (const [key, value] of Object.entries(env)) {
        if (!/_SERVICE_URL$/.test(key)) continue;
        const url = new URL(value);
        expect(SERVICE_NAMES, `${name} ${key}`).toContain(url.hostname);
        expect(Number(url.port), `${name} ${key}`).toBe(SERVICES[url.hostname as ServiceName].port);
        expect(services[name]!.depends_on?.[url.hostname], `${name} waits for ${url.hostname}`).toBeDefined();
      }
      expect(new URL(env.REDIS_URL!).hostname).toBe('redis');
      expect(env.KAFKA_BROKERS!.split(':')[0]).toBe('kafka');
      if (env.DATABASE_URL) expect(new URL(env.DATABASE_URL).hostname).toBe('postgres');
    }
  });

  it('every dependency exists; one-shots are waited for to complete, long-running ones to be healthy', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition, `${name} → ${dep}`).toBe(ONE_SHOTS.includes(dep) ? 'service_completed_successfully' : 'service_healthy');
        if (!ONE_SHOTS.includes(dep)) expect(services[dep]!.healthcheck, `${dep} has a healthcheck`).toBeDefined();
      }
    }
    for (const name of ONE_SHOTS) expect(services[name]!.restart, name).toBe('no');
  });

  it('migrations run once before the replicas, which do not migrate themselves', () => {
    for (const name of ['booking-service', 'payment-service'] as const) {
      expect(envOf(services[name]!).MIGRATE_ON_START).toBe('false');
      expect(services[name]!.depends_on?.migrate?.condition).toBe('service_completed_successfully');
    }
  });

  it('seeds an admin and the demo concert through the gateway once it is ready', () => {
    const seed = services.seed!;
    expect(seed.command).toEqual(['node', 'dist/tools/ops.js', 'seed', '--gateway', 'http://gateway:8080/api/v1']);
    expect(seed.depends_on?.gateway?.condition).toBe('service_healthy');
    expect(new URL(envOf(seed).DATABASE_URL!).username).toBe('payment_svc');
  });

  it('secrets are generated once into a volume every app service mounts', () => {
    expect(services.secrets!.command).toEqual(['node', 'dist/tools/ops.js', 'secrets', '--file', '/var/lib/concert/secrets/concert.env']);
    expect(compose.volumes).toHaveProperty('secrets');
    for (const name of SERVICE_NAMES) expect(envOf(services[name]!).SECRETS_ENV_FILE).toBe('/var/lib/concert/secrets/concert.env');
  });

  it('Redis persists with AOF to a volume', () => {
    const redis = services.redis!;
    expect((redis.command as string[]).join(' ')).toMatch(/--appendonly yes/);
    expect(redis.volumes).toContain('redisdata:/data');
  });
});

describe('image', () => {
  const dockerfile = readFileSync(resolve(ROOT, 'infra/Dockerfile'), 'utf8');
  const ignore = readFileSync(resolve(ROOT, '.dockerignore'), 'utf8').split('\n');

  it('builds on a maintained Node LTS in stages, runs production deps only, not as root, with a HEALTHCHECK', () => {
    expect(dockerfile).toMatch(/NODE_IMAGE=node:(22|24)-/);
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(3);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
  });

  it('.dockerignore keeps out secrets, env files, tmp/ and node_modules', () => {
    for (const entry of ['.secrets', '**/.env', '**/.env.*', 'tmp', '**/node_modules']) expect(ignore).toContain(entry);
  });
});
