import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Committed pact files: providers verify these, so no consumer has to run for a provider's build. */
export const PACT_DIR = resolve(__dirname, '../../../contracts/pacts');
const SCRATCH = resolve(__dirname, '../../../tmp/pacts');

interface PactFile {
  consumer: { name: string };
  provider: { name: string };
  interactions?: unknown[];
  messages?: unknown[];
}

/**
 * Where a consumer test writes one pact, and how it publishes it. Pact merges into an existing
 * file, so the consumer writes into a fresh scratch folder and the complete file replaces the
 * committed one in one rename: a provider verifying meanwhile never reads half a file, and an
 * interaction the consumer dropped does not linger. A run where some interaction failed
 * publishes nothing (its file would lack that interaction).
 */
export function pactOutput(consumer: string, provider: string) {
  const name = `${consumer}-${provider}`;
  const dir = join(SCRATCH, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return {
    dir,
    publish(expected: number): void {
      const text = readFileSync(join(dir, `${name}.json`), 'utf8');
      const pact = JSON.parse(text) as PactFile;
      const count = (pact.interactions ?? pact.messages ?? []).length;
      if (count !== expected) throw new Error(`${name}: ${count} of ${expected} interactions passed; pact not published`);
      mkdirSync(PACT_DIR, { recursive: true });
      const tmp = join(PACT_DIR, `.${name}.json.${process.pid}`);
      writeFileSync(tmp, text);
      renameSync(tmp, join(PACT_DIR, `${name}.json`));
    },
  };
}

/** The committed pacts naming `provider`: what a provider's contract target must honour. */
export function pactsFor(provider: string): string[] {
  return readdirSync(PACT_DIR)
    .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
    .map((f) => join(PACT_DIR, f))
    .filter((f) => (JSON.parse(readFileSync(f, 'utf8')) as PactFile).provider.name === provider);
}
