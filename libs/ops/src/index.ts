export * from './reconcile';
export { CHECKS } from './checks';
