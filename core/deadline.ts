/** A step that did not finish in time; the message says what was waited for, so an operator knows where to look. */
export class DeadlineError extends Error {
  constructor(
    readonly waitedFor: string,
    readonly ms: number,
  ) {
    super(`timed out after ${ms / 1000} s waiting for ${waitedFor}`);
    this.name = 'DeadlineError';
  }
}

/**
 * The result of `work`, or a DeadlineError after `ms`. The work itself is not cancelled (most clients cannot
 * be): the caller gives up on it, which at start-up means the process exits.
 */
export async function withDeadline<T>(work: Promise<T>, ms: number, waitedFor: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(waitedFor, ms)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
