import type { RequestContext } from './logger';

/**
 * One HTTP request's context (request id, deadline, "the caller went away"). Its AbortSignal is
 * made only when something asks for it: an AbortSignal costs microseconds per request (more than
 * the rest of the request's bookkeeping), and most requests are answered without waiting on one.
 */
export class RequestScope implements RequestContext {
  deadline?: number;
  private controller?: AbortController;
  private gone = false;

  constructor(readonly requestId: string) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.gone) this.controller.abort(callerLeft());
    }
    return this.controller.signal;
  }

  /** True once the client disconnected before the answer; reads no signal. */
  get callerGone(): boolean {
    return this.gone;
  }

  /** The client closed the connection before the answer: work for it should stop. */
  leave(): void {
    if (this.gone) return;
    this.gone = true;
    this.controller?.abort(callerLeft());
  }
}

const callerLeft = () => new Error('client went away');
