import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import type { Concert, QueueStatusResponse, QueueTokenResponse } from '../api/types';
import { api } from '../store';
import { go, href } from '../router';
import { formatEta } from '../logic/countdown';
import { nextPollMs, queueProgress } from '../logic/queue-pace';
import { QUEUE_PASS_CODES } from '../logic/problems';
import { loadQueuePass, saveQueuePass } from '../logic/session';
import { parseRetryAfter } from '../logic/retry';
import { Alert, concertWhen, errorText, STOP, usePoll } from './common';

type Phase = 'joining' | 'waiting' | 'expired' | 'closed';

/**
 * The waiting room: joins the concert's queue once (the pass is kept in this tab), then asks for
 * the position at the pace the API suggests, and goes straight to the seat map when admitted.
 */
export function QueuePage({ concertId }: { concertId: string }) {
  const [concert, setConcert] = useState<Concert | undefined>();
  const [phase, setPhase] = useState<Phase>('joining');
  const [view, setView] = useState<QueueStatusResponse | undefined>();
  const [first, setFirst] = useState(0);
  const [error, setError] = useState('');
  const [generation, setGeneration] = useState(0);

  usePoll(
    async (signal) => {
      if (!concert) setConcert(await api.get<Concert>(`/concerts/${concertId}`, { auth: false, signal, onCooldown: 'wait' }));
      let pass = loadQueuePass(sessionStorage, concertId);
      let current: QueueStatusResponse;
      let suggested: number | undefined;
      try {
        if (!pass) {
          const joined = await api.request<QueueTokenResponse>('POST', `/concerts/${concertId}/queue/tokens`, { signal, onCooldown: 'wait' });
          pass = joined.data.queueToken;
          saveQueuePass(sessionStorage, concertId, pass);
          current = joined.data;
        } else {
          const res = await api.request<QueueStatusResponse & { pollAfterSeconds?: number }>('GET', `/queue/status?concertId=${concertId}`, {
            queueToken: pass,
            signal,
            onCooldown: 'wait',
          });
          current = res.data;
          suggested = typeof res.data.pollAfterSeconds === 'number' ? res.data.pollAfterSeconds : parseRetryAfter(res.headers.get('retry-after'), Date.now());
        }
      } catch (err) {
        if (err instanceof ApiError && QUEUE_PASS_CODES.has(err.code)) {
          saveQueuePass(sessionStorage, concertId, undefined);
          setPhase('expired');
          return STOP;
        }
        if (err instanceof ApiError && err.code === 'BOOKING_NOT_OPEN') {
          setPhase('closed');
          setError(err.message);
          return STOP;
        }
        throw err;
      }
      setError('');
      setView(current);
      if (current.status === 'ACTIVE') {
        go({ name: 'seats', concertId });
        return STOP;
      }
      if (current.status === 'EXPIRED') {
        saveQueuePass(sessionStorage, concertId, undefined);
        setPhase('expired');
        return STOP;
      }
      setPhase('waiting');
      setFirst((f) => (f === 0 || current.position > f ? current.position : f));
      return nextPollMs(current, suggested);
    },
    [concertId, generation],
    2000,
    (err) => setError(errorText(err)),
  );

  const rejoin = () => {
    saveQueuePass(sessionStorage, concertId, undefined);
    setView(undefined);
    setFirst(0);
    setError('');
    setPhase('joining');
    setGeneration((g) => g + 1);
  };

  const progress = view ? queueProgress(first, view.position, view.status) : 0;
  return (
    <section class="card waiting-room" aria-labelledby="queue-title">
      <h1 id="queue-title">Waiting room</h1>
      {concert && (
        <p class="muted">
          {concert.title} · {concert.artist} · {concertWhen(concert.concertDate, concert.concertTime)}
        </p>
      )}
      {phase === 'joining' && !error && <p>Taking your place in the queue…</p>}
      {phase === 'waiting' && view && (
        <div aria-live="polite" aria-atomic="true">
          <p class="position-line">
            You are number <strong class="position" data-testid="queue-position">{view.position}</strong> in the queue.
          </p>
          <p>
            Estimated wait: <strong data-testid="queue-eta">{formatEta(view.estimatedWaitSeconds)}</strong>
          </p>
        </div>
      )}
      {phase === 'waiting' && (
        <>
          <div class="progress" role="progressbar" aria-label="Progress through the queue" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(progress * 100)}>
            <div class="progress-bar" style={{ width: `${Math.max(3, Math.round(progress * 100))}%` }} />
          </div>
          <p class="calm">
            Fans are let in strictly in the order they arrived. Keep this page open: it updates by itself, and you will go straight to the seat map when it is your turn.
            Reloading does not lose your place.
          </p>
        </>
      )}
      {phase === 'expired' && (
        <Alert kind="warning">
          Your place in the queue has expired (the queue token is no longer valid).{' '}
          <button type="button" class="primary" onClick={rejoin}>Join the queue again</button>
        </Alert>
      )}
      {phase === 'closed' ? (
        <Alert kind="warning">
          {error} <a href={href({ name: 'concerts' })}>Back to concerts</a>
        </Alert>
      ) : (
        <Alert>{error}</Alert>
      )}
    </section>
  );
}
