/**
 * Sleeps before commit attempt `attempt` (1-based retry count): "full jitter" exponential backoff,
 * so writers that lost the same race spread out instead of colliding again in lockstep.
 */
export async function backoff(attempt: number, signal?: AbortSignal, baseMs = 5, capMs = 1000): Promise<void> {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  const delay = Math.random() * ceiling;
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('Aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delay);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
