// Apart from index.ts: loading @pact-foundation/pact costs about a second, which only the contract tests should pay.
export * from './pact-files';
export * from './pact-provider';
export * from './pact-provider-suite';
export * from './pact-consumer';
export * from './suite-fixture';
