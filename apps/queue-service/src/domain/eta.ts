export interface EtaInput {
  /** 1-based place in the waiting line. */
  position: number;
  /** Admissions per second measured over recent backlogged windows; null before any. */
  measuredRate: number | null;
  admitPerSecond: number;
  maxActive: number;
  active: number;
  activeTtlSeconds: number;
}

/**
 * Seconds until a waiting fan is admitted.
 *
 * Once every active slot is taken, admission is bounded by how fast slots free up; in the worst
 * case each admitted fan keeps the slot for the whole TTL, so the sustained rate is at least
 * `min(admitPerSecond, maxActive / activeTtlSeconds)`. The measured rate, when known, is clamped
 * to [that floor, admitPerSecond]. Without a measurement: the free slots fill at
 * `admitPerSecond`, the rest at the floor rate.
 */
export function estimateWaitSeconds(i: EtaInput): number {
  if (i.position <= 0) return 0;
  const aps = Math.max(1, i.admitPerSecond);
  const floorRate = Math.max(Math.min(aps, i.maxActive / Math.max(1, i.activeTtlSeconds)), 1e-6);
  if (i.measuredRate !== null && Number.isFinite(i.measuredRate)) {
    const rate = Math.min(aps, Math.max(floorRate, i.measuredRate));
    return Math.ceil(i.position / rate);
  }
  const free = Math.max(0, i.maxActive - i.active);
  if (i.position <= free) return Math.ceil(i.position / aps);
  return Math.ceil(free / aps + (i.position - free) / floorRate);
}
