import { readFileSync } from 'node:fs';
import { Parser } from '@asyncapi/parser';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ARTIFACTS, renderAsyncApi, renderOpenApi } from '../scripts/contract-artifacts';

const FIX = 'they drifted from the code: run `npx nx run gateway:contracts` and commit docs/api';

describe('committed contract artifacts (docs/api)', () => {
  it('openapi.json is what the code generates', () => {
    expect(readFileSync(ARTIFACTS.openapi, 'utf8'), FIX).toBe(renderOpenApi());
  });

  it('asyncapi.yaml is what the code generates', () => {
    expect(readFileSync(ARTIFACTS.asyncapi, 'utf8'), FIX).toBe(renderAsyncApi());
  });

  it('openapi.json is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(JSON.parse(readFileSync(ARTIFACTS.openapi, 'utf8')));
    expect(result.errors ?? [], JSON.stringify(result.errors)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('asyncapi.yaml is a valid AsyncAPI 3 document, with no errors from @asyncapi/parser', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(ARTIFACTS.asyncapi, 'utf8'));
    const errors = diagnostics.filter((d) => d.severity === 0);
    expect(errors.map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document?.channels().length).toBeGreaterThanOrEqual(7);
  });
});
