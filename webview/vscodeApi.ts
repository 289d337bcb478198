/** The one handle a webview gets to talk to its host; acquireVsCodeApi may be called only once. */
interface VsCodeApi {
  postMessage(message: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** A typed sender: each panel passes its protocol's webview-to-host message type. */
export function hostSender<Message>(): (message: Message) => void {
  api ??= acquireVsCodeApi();
  const acquired = api;
  return (message) => acquired.postMessage(message);
}
