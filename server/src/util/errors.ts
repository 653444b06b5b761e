/**
 * Runs `fn` with V8's stack capture off. The yaml package makes an Error object for every problem it
 * finds, and a broken file can have 100,000 of them (one per character of a long garbled line):
 * their stack traces, which nobody reads, cost seconds.
 */
export function withoutStacks<T>(fn: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return fn();
  } finally {
    Error.stackTraceLimit = limit;
  }
}
