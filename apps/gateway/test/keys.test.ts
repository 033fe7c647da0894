import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportSPKI } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadSigningKeys, readOrCreateKeyFile } from '../src/data-access/signing-keys';
import { createTokenService } from '../src/use-cases/tokens';

const settings = { issuer: 'i', audience: 'a', accessTtlSeconds: 60, queueTokenKey: 'k'.repeat(32) };

describe('JWT key file', () => {
  it('is created once with mode 600, even when many starters race (in one process)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), '.secrets', 'jwt-keys.json');
    const all = await Promise.all(Array.from({ length: 8 }, () => readOrCreateKeyFile(file)));
    expect(new Set(all.map((k) => k.publicKey)).size).toBe(1);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(file, '..'))).toEqual(['jwt-keys.json']);
  });

  it('two processes starting together end up with the same keys', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'jwt-keys.json');
    const run = () =>
      new Promise<string>((res, rej) => {
        const p = spawn(process.execPath, ['--import', 'tsx', resolve(__dirname, 'support/create-keys.ts'), file], { cwd: resolve(__dirname, '../../..') });
        let out = '';
        let err = '';
        p.stdout.on('data', (d) => (out += d));
        p.stderr.on('data', (d) => (err += d));
        p.on('exit', (code) => (code === 0 ? res(out) : rej(new Error(err))));
      });
    const keys = await Promise.all([run(), run(), run()]);
    expect(new Set(keys).size).toBe(1);
    const mine = await loadSigningKeys({ keysFile: file });
    expect(await exportSPKI(mine.publicKey)).toBe(keys[0]);
  });

  it('a token from one gateway verifies at another sharing the file; PEM env keys work', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'gw-keys-')), 'jwt-keys.json');
    const a = createTokenService(await loadSigningKeys({ keysFile: file }), settings);
    const b = createTokenService(await loadSigningKeys({ keysFile: file }), settings);
    const t = await a.signAccess({ id: '6f1c2a52-3b8e-4b8f-9b51-1f1f7c2b7a10', role: 'user', email: 'a@example.test' });
    await expect(b.verifyAccess(t.token)).resolves.toMatchObject({ role: 'user', jti: t.jti });

    const pems = await readOrCreateKeyFile(file);
    const fromEnv = await loadSigningKeys({ privatePem: pems.privateKey.replace(/\n/g, '\\n'), publicPem: pems.publicKey });
    await expect(createTokenService(fromEnv, settings).verifyAccess(t.token)).resolves.toMatchObject({ jti: t.jti });
    await expect(loadSigningKeys({ privatePem: pems.privateKey })).rejects.toThrow(/together/);
  });
});
