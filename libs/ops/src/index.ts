export * from './reconcile';
export { CHECKS } from './checks';
export { generateSecrets, generateSecretsEnv, ensureSecretsFile } from './secrets';
