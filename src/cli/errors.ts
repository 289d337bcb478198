import { isDeltaError } from '../delta/errors';

/** A command line the CLI cannot run: unknown option, bad value, missing argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** `command` names the subcommand whose `--help` the message points to. */
  constructor(message: string, readonly command?: string) {
    super(message);
  }
}

export interface RenderedError {
  message: string;
  exitCode: number;
}

/** Exit codes are part of the contract: 2 for errors the user can fix, 1 for our bugs. */
export const EXIT_USER_ERROR = 2;
export const EXIT_INTERNAL_ERROR = 1;
/** 128 + SIGINT, what shells report for a command stopped with Ctrl-C. */
export const EXIT_ABORTED = 130;

/**
 * The text (for stderr) and exit code of an error that ended a command. Lines start with a stable
 * `error[CODE]` that scripts can match; the stack trace only appears with LAKEHOUSE_DEBUG=1.
 */
export function renderError(error: unknown, env: Record<string, string | undefined> = process.env): RenderedError {
  const debug = env.LAKEHOUSE_DEBUG === '1';
  const withDebug = (lines: string[]): string => (debug ? [...lines, ...debugDetails(error)] : lines).join('\n');
  if (isDeltaError(error)) {
    return { message: withDebug([`error[${error.code}]: ${error.message}`]), exitCode: EXIT_USER_ERROR };
  }
  if (error instanceof UsageError) {
    const lines = [`error[USAGE]: ${error.message}`];
    lines.push(`Run 'lakehouse ${error.command ? `${error.command} ` : ''}--help' for usage.`);
    return { message: lines.join('\n'), exitCode: EXIT_USER_ERROR };
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return { message: withDebug(['error[ABORTED]: the operation was cancelled']), exitCode: EXIT_ABORTED };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    message: withDebug([
      `error[INTERNAL]: ${message}`,
      debug ? 'this is a bug, please report it' : 'this is a bug, please report it (LAKEHOUSE_DEBUG=1 shows the stack trace)',
    ]),
    exitCode: EXIT_INTERNAL_ERROR,
  };
}

/** The stack, then each `cause` in turn: the part of a bug report that locates the fault. */
function debugDetails(error: unknown): string[] {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 10; depth++) {
    if (depth > 0) lines.push(`caused by: ${current instanceof Error ? '' : String(current)}`.trimEnd());
    if (!(current instanceof Error)) break;
    lines.push(current.stack ?? `${current.name}: ${current.message}`);
    current = current.cause;
  }
  return lines;
}
