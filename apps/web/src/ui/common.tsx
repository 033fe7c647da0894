import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from '../api/client';

/** Re-renders every `ms` and returns the current time (countdowns, live ages). */
export function useNow(ms = 250): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

/** Returned by a poll's tick to end the loop. */
export const STOP = -1;

/**
 * Calls `tick` now and then again after the delay it returns (ms), until unmounted or `deps`
 * change. `tick` receives an AbortSignal that fires on unmount, so a late answer is dropped.
 * An error in `tick` is reported through `onError` and the loop goes on after `errorDelayMs`.
 */
export function usePoll(tick: (signal: AbortSignal) => Promise<number | void>, deps: unknown[], defaultDelayMs: number, onError?: (err: unknown) => void): void {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  const errRef = useRef(onError);
  errRef.current = onError;
  useEffect(() => {
    const ctrl = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      let delay = defaultDelayMs;
      try {
        const d = await tickRef.current(ctrl.signal);
        if (d === STOP) return;
        if (typeof d === 'number') delay = d;
      } catch (err) {
        if (ctrl.signal.aborted) return;
        errRef.current?.(err);
      }
      if (!ctrl.signal.aborted) timer = setTimeout(run, delay);
    };
    void run();
    return () => {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    };
  }, deps);
}

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const fields = err.fieldErrors.map((f) => `${f.path}: ${f.message}`).join('; ');
    return fields ? `${err.message} (${fields})` : err.message;
  }
  if (err instanceof Error && err.name === 'AbortError') return '';
  return 'Something went wrong. Please try again.';
}

export function Alert({ children, kind = 'error', id }: { children: ComponentChildren; kind?: 'error' | 'info' | 'success' | 'warning'; id?: string }) {
  if (children == null || children === '' || children === false) return null;
  return (
    <div id={id} class={`alert alert-${kind}`} role={kind === 'error' || kind === 'warning' ? 'alert' : 'status'} data-testid={`alert-${kind}`}>
      {children}
    </div>
  );
}

export function Field(props: {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'number' | 'date' | 'time' | 'datetime-local';
  value: string;
  onInput: (v: string) => void;
  required?: boolean;
  autoComplete?: string;
  min?: string;
  max?: string;
  step?: string;
  inputMode?: 'numeric' | 'decimal' | 'email' | 'text';
  hint?: string;
}) {
  const id = `f-${props.name}`;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        name={props.name}
        // Preact's types narrow other attributes per input type; ours are all plain value inputs.
        type={(props.type ?? 'text') as 'text'}
        value={props.value}
        required={props.required}
        autoComplete={props.autoComplete}
        min={props.min}
        max={props.max}
        step={props.step}
        inputMode={props.inputMode}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        onInput={(e) => props.onInput((e.currentTarget as HTMLInputElement).value)}
      />
      {props.hint && (
        <small id={`${id}-hint`} class="hint">
          {props.hint}
        </small>
      )}
    </div>
  );
}

const dateFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' });
const dateTimeFmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** "Sat, 20 Jun 2026, 19:30" from the API's YYYY-MM-DD and HH:MM:SS (the venue's local time). */
export function concertWhen(date: string, time: string): string {
  const [y, m, d] = date.split('-').map(Number);
  const day = dateFmt.format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1, 12)));
  return `${day}, ${time.slice(0, 5)}`;
}

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : dateTimeFmt.format(new Date(t));
}

export const STATUS_WORDS: Record<string, string> = {
  SCHEDULED: 'Not on sale yet',
  BOOKING_OPEN: 'On sale',
  BOOKING_CLOSED: 'Sale closed',
  CANCELLED: 'Cancelled',
  TEMPORARILY_RESERVED: 'Held',
  CONFIRMED: 'Confirmed',
  EXPIRED: 'Expired',
  CHARGE: 'Top-up',
  PAYMENT: 'Payment',
  REFUND: 'Refund',
};

/** A column head; `hidden` heads are read by screen readers only (e.g. an actions column). */
export type Column = { label: string; num?: boolean; hidden?: boolean };

/** The one table shape of the app: scrolls on narrow screens, a caption for screen readers. */
export function DataTable({ caption, columns, children }: { caption: string; columns: Column[]; children: ComponentChildren }) {
  return (
    <div class="table-wrap">
      <table>
        <caption class="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th scope="col" key={c.label} class={c.num ? 'num' : undefined}>
                {c.hidden ? <span class="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
