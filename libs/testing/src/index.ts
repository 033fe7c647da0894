export * from './env';
export * from './names';
export * from './wait';
export * from './platform';
export * from './api-client';
export * from './fan';
export * from './concert';
