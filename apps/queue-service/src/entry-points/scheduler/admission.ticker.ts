import { admissionRound, stepDownAsTicker } from '../../use-cases/admission';
import type { TickerDeps } from '../../use-cases/deps';

/** Runs an admission round every `tickMs` (use-cases/admission.ts), one round at a time. */
export function startAdmissionTicker(d: TickerDeps, tickMs: number): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  async function once(): Promise<void> {
    try {
      await admissionRound(d);
    } catch (err) {
      d.logger.warn({ err }, 'admission tick failed');
    }
  }

  function schedule(delay: number): void {
    if (stopped) return;
    timer = setTimeout(() => {
      const startedAt = Date.now();
      running = once().then(() => schedule(Math.max(0, tickMs - (Date.now() - startedAt))));
    }, delay);
  }
  schedule(0);

  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await stepDownAsTicker(d);
    },
  };
}
