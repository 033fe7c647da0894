import { readFileSync } from 'node:fs';

/** Resident set size of a process in MiB, from /proc (Linux); undefined once it has exited. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (!pid) return undefined;
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round((Number(m[1]) / 1024) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

export interface MemoryRow {
  process: string;
  idleMiB: number;
  peakMiB: number;
}

/**
 * Samples the RSS of named processes: `idle()` once before the load, then every `intervalMs`
 * until `stop()`, keeping each one's peak. Sampling /proc costs next to nothing, so it does not
 * disturb what it measures.
 */
export function memorySampler(procs: { name: string; pid: () => number | undefined }[], intervalMs = 100) {
  const idle = new Map<string, number>();
  const peak = new Map<string, number>();
  const sample = () => {
    for (const p of procs) {
      const v = rssMiB(p.pid());
      if (v !== undefined && v > (peak.get(p.name) ?? 0)) peak.set(p.name, v);
    }
  };
  let timer: NodeJS.Timeout | undefined;
  return {
    idle(): void {
      for (const p of procs) {
        const v = rssMiB(p.pid());
        if (v !== undefined) idle.set(p.name, v);
      }
      timer = setInterval(sample, intervalMs);
      timer.unref();
    },
    stop(): MemoryRow[] {
      clearInterval(timer);
      sample();
      return procs.map((p) => ({ process: p.name, idleMiB: idle.get(p.name) ?? 0, peakMiB: peak.get(p.name) ?? 0 }));
    },
  };
}
