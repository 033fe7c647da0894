export * from './money';
export * from './errors';
export * from './events/envelope';
export * from './events/catalog';
export * from './events/examples';
export * from './http/public';
export * from './http/internal';
export * from './asyncapi';
