/**
 * The admission rate an operator sees: fans admitted per second, measured from successive
 * readings of the queue's `admittedTotal` over a sliding window (the configured `admitPerSecond`
 * is only the ceiling; this is what really happens).
 */
export interface Sample {
  at: number;
  admittedTotal: number;
}

export function addSample(samples: readonly Sample[], s: Sample, windowMs: number): Sample[] {
  // A counter that went down means the queue was reset: start measuring afresh.
  const last = samples[samples.length - 1];
  const kept = last && s.admittedTotal < last.admittedTotal ? [] : samples.filter((x) => s.at - x.at <= windowMs);
  return [...kept, s];
}

/** Admissions per second over the window, undefined until two readings at least 1 s apart exist. */
export function admissionRate(samples: readonly Sample[]): number | undefined {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last || last.at - first.at < 1000) return undefined;
  return ((last.admittedTotal - first.admittedTotal) * 1000) / (last.at - first.at);
}
