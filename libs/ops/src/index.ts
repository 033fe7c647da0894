export * from './reconcile';
export { CHECKS } from './checks';
export { generateSecretsEnv, ensureSecretsFile } from './secrets';
