import { describe, expect, it } from 'vitest';
import { parseClusterUrl, tracingConfigured } from '../src';

describe('REDIS_URL', () => {
  it('redis+cluster:// lists the seed nodes (and credentials); redis:// is a single server', () => {
    expect(parseClusterUrl('redis+cluster://127.0.0.1:7001,127.0.0.1:7002, 127.0.0.1:7003')).toEqual({
      nodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '127.0.0.1', port: 7002 },
        { host: '127.0.0.1', port: 7003 },
      ],
      tls: false,
    });
    expect(parseClusterUrl('rediss+cluster://app:s%40cret@r1:6380,r2:6380')).toEqual({
      nodes: [
        { host: 'r1', port: 6380 },
        { host: 'r2', port: 6380 },
      ],
      tls: true,
      username: 'app',
      password: 's@cret',
    });
    expect(parseClusterUrl('redis://127.0.0.1:6379/1')).toBeNull();
  });

  it('refuses a cluster URL it cannot use: a db number (a cluster has only db 0) or a node without a port', () => {
    expect(() => parseClusterUrl('redis+cluster://127.0.0.1:7001/2')).toThrow(/only db 0/);
    expect(() => parseClusterUrl('redis+cluster://127.0.0.1')).toThrow(/bad node/);
  });
});

describe('tracing switch', () => {
  it('traces only with an OTLP endpoint, and never with OTEL_SDK_DISABLED=true', () => {
    expect(tracingConfigured({})).toBe(false);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' })).toBe(true);
    expect(tracingConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});
