/**
 * How every long operation reports progress: the extension maps it to window.withProgress, the CLI
 * to a progress bar on stderr when it is a terminal.
 */
export type ProgressCallback = (done: number, total: number, message: string) => void;
