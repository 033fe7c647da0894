/** Clear words for every error a fan or an operator can meet, by the API's problem `code`. */

export const PROBLEM_MESSAGES: Record<string, string> = {
  VALIDATION_FAILED: 'Some of the details are not valid. Please check the form.',
  UNAUTHENTICATED: 'Please log in to continue.',
  TOKEN_EXPIRED: 'Your session has expired. Please log in again.',
  TOKEN_REVOKED: 'You were signed out because this account logged in somewhere else. Please log in again.',
  INVALID_CREDENTIALS: 'That email and password do not match.',
  FORBIDDEN: 'Only operators may do this.',
  QUEUE_TOKEN_INVALID: 'Your place in the queue is no longer valid. Please join the queue again.',
  QUEUE_TOKEN_NOT_ACTIVE: 'Your place in the queue has expired. Please join the queue again.',
  CONCERT_NOT_FOUND: 'This concert does not exist (any more).',
  SEAT_NOT_FOUND: 'There is no such seat.',
  RESERVATION_NOT_FOUND: 'This reservation was not found.',
  EMAIL_TAKEN: 'An account with this email already exists. Log in instead.',
  SEAT_UNAVAILABLE: 'Sorry, someone else has just taken this seat. Please choose another one.',
  BOOKING_NOT_OPEN: 'Booking is not open for this concert.',
  HOLD_LIMIT_REACHED: 'You already hold as many seats as allowed. Pay for or release one first.',
  RESERVATION_NOT_CANCELLABLE: 'This reservation can no longer be released.',
  INSUFFICIENT_BALANCE: 'Your balance is too low for this seat. Top it up first.',
  ALREADY_PAID: 'This seat is already paid for.',
  IDEMPOTENCY_REQUEST_IN_PROGRESS: 'Your earlier request is still being processed. One moment…',
  INVALID_STATE: 'This change is not possible in the current state.',
  RESERVATION_EXPIRED: 'Your hold has expired and the seat was released. Please choose a seat again.',
  IDEMPOTENCY_KEY_REUSED: 'This request conflicts with an earlier one. Please try again.',
  RATE_LIMITED: 'Too many requests. Please wait a moment.',
  UPSTREAM_UNAVAILABLE: 'The platform is very busy right now.',
  NETWORK: 'We cannot reach the platform. Check your connection.',
};

/** Codes that end the session: the fan goes back to the login page with the code's message. */
export const SESSION_ENDING_CODES = new Set(['UNAUTHENTICATED', 'TOKEN_EXPIRED', 'TOKEN_REVOKED']);

/** Codes meaning the queue pass is no good any more: the fan must join the queue again. */
export const QUEUE_PASS_CODES = new Set(['QUEUE_TOKEN_INVALID', 'QUEUE_TOKEN_NOT_ACTIVE']);

export function messageFor(code: string | undefined, status: number, detail?: string): string {
  if (code && PROBLEM_MESSAGES[code]) return PROBLEM_MESSAGES[code];
  if (status === 429) return PROBLEM_MESSAGES.RATE_LIMITED as string;
  if (status >= 500) return PROBLEM_MESSAGES.UPSTREAM_UNAVAILABLE as string;
  return detail || 'Something went wrong. Please try again.';
}
