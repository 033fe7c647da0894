import { PoisonMessage } from './dead-letter';

/**
 * Parses a message's JSON and validates it (e.g. a contracts zod schema's `parse`). A message
 * that is not JSON or not the contract's shape never will be: it is a PoisonMessage, which the
 * subscriber parks on the dead-letter topic instead of retrying or skipping it.
 */
export function parseOrPoison<E>(parse: (raw: unknown) => E, value: string): E {
  try {
    return parse(JSON.parse(value));
  } catch (err) {
    throw new PoisonMessage(`not a valid event: ${describeParseError(err)}`, { cause: err });
  }
}

/** One line for logs and the dead-letter header: zod's issues as `path: message`, else the message. */
function describeParseError(err: unknown): string {
  const issues = (err as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  const text = Array.isArray(issues)
    ? issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('; ')
    : (err as Error).message;
  return text.slice(0, 500);
}
