import { performance } from 'node:perf_hooks';

/** Sub-millisecond wall clock comparable across worker threads (each has its own timeOrigin). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
