/**
 * The public contracts as committed files, so a consumer team can generate a client without
 * running the platform: docs/api/openapi.json (the gateway's REST API) and docs/api/asyncapi.yaml
 * (every Kafka topic). `nx run gateway:contracts` writes them; test/contract-artifacts.test.ts
 * fails when they drift from the code.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildAsyncApiDocument } from '@concert/contracts';
import { buildOpenApiDocument } from '../src/entry-points/http/openapi';

export const ARTIFACTS = {
  openapi: resolve(__dirname, '../../../docs/api/openapi.json'),
  asyncapi: resolve(__dirname, '../../../docs/api/asyncapi.yaml'),
};

export const renderOpenApi = () => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
export const renderAsyncApi = () => stringify(buildAsyncApiDocument(), { aliasDuplicateObjects: false, lineWidth: 0 });

if (require.main === module) {
  writeFileSync(ARTIFACTS.openapi, renderOpenApi());
  writeFileSync(ARTIFACTS.asyncapi, renderAsyncApi());
  console.log(`wrote ${ARTIFACTS.openapi} and ${ARTIFACTS.asyncapi}`);
}
