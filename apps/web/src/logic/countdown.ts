/** The hold countdown: time left until `reservedUntil`, as the fan reads it ("4:59"). */

export interface Remaining {
  ms: number;
  expired: boolean;
}

/**
 * `skewMs` is server time minus client time (from the Date header of a recent answer), so a fan
 * whose clock is off still sees the server's deadline.
 */
export function remaining(untilIso: string, nowMs: number, skewMs = 0): Remaining {
  const until = Date.parse(untilIso);
  if (Number.isNaN(until)) return { ms: 0, expired: true };
  const ms = Math.max(0, until - (nowMs + skewMs));
  return { ms, expired: ms === 0 };
}

/** m:ss under an hour, h:mm:ss above; rounds up so "0:00" appears only when time is really up. */
export function formatRemaining(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** Words for a screen reader, announced sparingly (every minute, then every 10 s in the last minute). */
export function spokenRemaining(ms: number): string {
  const total = Math.ceil(Math.max(0, ms) / 1000);
  if (total === 0) return 'time is up';
  const m = Math.floor(total / 60);
  const s = total % 60;
  if (m === 0) return `${s} seconds left`;
  return s === 0 ? `${m} minute${m === 1 ? '' : 's'} left` : `${m} minute${m === 1 ? '' : 's'} ${s} seconds left`;
}

/** Server time minus client time from an answer's Date header (1 s resolution), 0 if absent. */
export function clockSkewMs(dateHeader: string | null, receivedAtMs: number): number {
  if (!dateHeader) return 0;
  const server = Date.parse(dateHeader);
  if (Number.isNaN(server)) return 0;
  const skew = server - receivedAtMs;
  // The header has 1 s resolution: ignore differences it cannot tell apart from rounding.
  return Math.abs(skew) < 1500 ? 0 : skew;
}

/** A human ETA for the waiting room: "less than a minute", "about 3 minutes". */
export function formatEta(seconds: number): string {
  if (seconds <= 0) return 'any moment now';
  if (seconds < 60) return 'less than a minute';
  const m = Math.round(seconds / 60);
  if (m < 60) return `about ${m} minute${m === 1 ? '' : 's'}`;
  const h = Math.floor(m / 60);
  const rest = m % 60;
  return `about ${h} h ${rest} min`;
}
