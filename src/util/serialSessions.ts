interface Session<T> { value: T; queue: Promise<void>; failed: boolean }

/**
 * The sessions a worker serves (an encode, a file writer), keyed by the caller's id: each session's
 * steps run one after another, in the order its messages came, while other sessions' steps
 * interleave with them. A step that throws ends its session: `onFailure` cleans up and tells the
 * caller, and the steps still queued for it are skipped.
 */
export class SerialSessions<T> {
  private readonly sessions = new Map<number, Session<T>>();

  constructor(private readonly onFailure: (id: number, value: T, error: unknown) => Promise<void> | void) {}

  open(id: number, value: T): void {
    this.sessions.set(id, { value, queue: Promise.resolve(), failed: false });
  }

  /** Queues `work` on the session (nothing when it is unknown or has ended). */
  step(id: number, work: (value: T) => Promise<void>): void {
    const session = this.sessions.get(id);
    if (!session) return;
    session.queue = session.queue.then(async () => {
      if (session.failed) return;
      try {
        await work(session.value);
      } catch (error) {
        session.failed = true;
        this.sessions.delete(id);
        await this.onFailure(id, session.value, error);
      }
    });
  }

  /** Forgets a session whose work is done. */
  delete(id: number): void {
    this.sessions.delete(id);
  }

  /**
   * Ends a session now: the steps still queued are skipped. Resolves with its value once the step
   * under way has returned (undefined for an unknown or ended session).
   */
  async end(id: number): Promise<T | undefined> {
    const session = this.sessions.get(id);
    this.sessions.delete(id);
    if (!session) return undefined;
    session.failed = true;
    await session.queue;
    return session.value;
  }
}
