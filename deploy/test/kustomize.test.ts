import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseIssues, ROOT, SERVICE_NAMES, SERVICES, unknownKeys, type ServiceName } from './service-config';

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [k: string]: unknown;
}
// The fields these checks read, typed loosely: the schemas themselves are checked by kubernetes-models.
interface Container {
  name: string;
  image: string;
  command?: string[];
  ports?: Array<{ name: string; containerPort: number }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  env?: Array<{ name: string; value: string }>;
  livenessProbe?: { httpGet: { path: string; port: string } };
  readinessProbe?: { httpGet: { path: string; port: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
type Deployment = K8sObject & { spec: { selector: { matchLabels: Record<string, string> }; template: { metadata: { labels: Record<string, string> }; spec: { containers: Container[]; initContainers?: Container[] } } } };

/** Rendered by the kubectl on the machine image (kustomize v5), as CI and an operator would. */
const rendered = execFileSync('kubectl', ['kustomize', resolve(ROOT, 'deploy/kustomize')], { encoding: 'utf8' });
const objects = parseAllDocuments(rendered).map((d) => d.toJS() as K8sObject);
const find = <T = K8sObject>(kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name) as T | undefined;

/** The env a container sees: its ConfigMaps and Secrets (envFrom) and its own env entries. */
function envOf(c: Container): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    const ref = from.configMapRef ?? from.secretRef!;
    const obj = find<K8sObject & { data?: Record<string, string>; stringData?: Record<string, string> }>(from.configMapRef ? 'ConfigMap' : 'Secret', ref.name);
    expect(obj, `${c.name} reads ${ref.name}`).toBeDefined();
    Object.assign(env, obj!.data ?? {}, obj!.stringData ?? {});
  }
  for (const e of c.env ?? []) env[e.name] = e.value;
  return env;
}

/** kubernetes-models class for an apiVersion/kind, e.g. apps/v1 Deployment. */
async function modelOf(o: K8sObject): Promise<new (data: unknown) => { validate(): void }> {
  const group = o.apiVersion.includes('/') ? o.apiVersion : `v1`;
  const path = o.apiVersion.includes('/') ? `kubernetes-models/${group}` : 'kubernetes-models/v1';
  const mod = (await import(path)) as Record<string, new (data: unknown) => { validate(): void }>;
  const model = mod[o.kind];
  if (!model) throw new Error(`no model for ${o.apiVersion} ${o.kind}`);
  return model;
}

describe('deploy/kustomize', () => {
  it('renders, and every object validates against the Kubernetes schemas', async () => {
    expect(objects.length).toBeGreaterThan(0);
    for (const o of objects) {
      const Model = await modelOf(o);
      expect(() => new Model(o).validate(), `${o.kind}/${o.metadata.name}`).not.toThrow();
    }
  });

  it.each(SERVICE_NAMES)('%s: Deployment, Service, HPA, PodDisruptionBudget, ConfigMap and Secret', (name) => {
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'Secret']) {
      expect(find(kind, name), `${kind}/${name}`).toBeDefined();
    }
  });

  it.each(SERVICE_NAMES)('%s: probes, resources, port, and the selectors of its Service, HPA and PDB match', (name) => {
    const d = find<Deployment>('Deployment', name)!;
    const pod = d.spec.template;
    const [c] = pod.spec.containers;
    expect(c!.command).toEqual(['node', `dist/apps/${name}/main.js`]);
    expect(c!.ports).toEqual([{ name: 'http', containerPort: SERVICES[name].port }]);
    expect(c!.livenessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(c!.readinessProbe?.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(c!.resources?.requests).toHaveProperty('cpu');
    expect(c!.resources?.limits).toHaveProperty('memory');
    const matches = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => pod.metadata.labels[k] === v);
    expect(matches(d.spec.selector.matchLabels)).toBe(true);
    const svc = find<K8sObject & { spec: { selector: Record<string, string>; ports: Array<{ port: number; targetPort: string }> } }>('Service', name)!;
    expect(matches(svc.spec.selector)).toBe(true);
    expect(svc.spec.ports).toEqual([{ name: 'http', port: SERVICES[name].port, targetPort: 'http' }]);
    const pdb = find<K8sObject & { spec: { selector: { matchLabels: Record<string, string> } } }>('PodDisruptionBudget', name)!;
    expect(matches(pdb.spec.selector.matchLabels)).toBe(true);
    const hpa = find<K8sObject & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas: number } }>('HorizontalPodAutoscaler', name)!;
    expect(hpa.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
  });

  it.each(SERVICE_NAMES)('%s: the env from its ConfigMaps and Secrets fits its config schema', async (name) => {
    const [c] = find<Deployment>('Deployment', name)!.spec.template.spec.containers;
    const env = envOf(c!);
    expect(await unknownKeys(name, env)).toEqual([]);
    expect(await parseIssues(name, env)).toEqual([]);
    expect(env.NODE_ENV).toBe('production');
    for (const [key, value] of Object.entries(env)) {
      if (!/_SERVICE_URL$/.test(key)) continue;
      const url = new URL(value);
      expect(find('Service', url.hostname), `${name} ${key}`).toBeDefined();
      expect(Number(url.port)).toBe(SERVICES[url.hostname as ServiceName].port);
    }
  });

  it('a migration Job migrates both schemas, with each service database credentials', () => {
    const job = find<K8sObject & { spec: { template: Deployment['spec']['template'] } }>('Job', 'migrate')!;
    const containers = [...(job.spec.template.spec.initContainers ?? []), ...job.spec.template.spec.containers];
    expect(containers.map((c) => c.command)).toEqual([
      ['node', 'dist/apps/booking-service/migrate.js'],
      ['node', 'dist/apps/payment-service/migrate.js'],
    ]);
    expect(new URL(envOf(containers[0]!).DATABASE_URL!).username).toBe('booking_svc');
    expect(new URL(envOf(containers[1]!).DATABASE_URL!).username).toBe('payment_svc');
    for (const name of ['booking-service', 'payment-service'] as const) {
      expect(envOf(find<Deployment>('Deployment', name)!.spec.template.spec.containers[0]!).MIGRATE_ON_START).toBe('false');
    }
  });

  it('a seed Job creates the admin and the demo concert through the gateway Service', () => {
    const job = find<K8sObject & { spec: { template: Deployment['spec']['template'] } }>('Job', 'seed')!;
    const [c] = job.spec.template.spec.containers;
    expect(c!.command).toEqual(['node', 'dist/tools/ops.js', 'seed', '--gateway', 'http://gateway:8080/api/v1']);
    const env = envOf(c!);
    expect(env.ADMIN_EMAIL).toBeTruthy();
    expect(new URL(env.DATABASE_URL!).username).toBe('payment_svc');
  });
});
