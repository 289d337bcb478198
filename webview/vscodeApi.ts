/** The one handle a webview gets to talk to its host; acquireVsCodeApi may be called only once. */
interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;

/** A typed sender: each panel passes its protocol's webview-to-host message type. */
export function hostSender<Message>(): (message: Message) => void {
  api ??= acquireVsCodeApi();
  const acquired = api;
  return (message) => acquired.postMessage(message);
}

/**
 * What the panel saved with `saveViewState` before its webview was reloaded (its tab came back
 * from the background): the state only the webview knows, such as the scroll position. VS Code
 * keeps it per webview and drops it with the panel; `isState` checks its shape.
 */
export function savedViewState<State>(isState: (value: unknown) => value is State): State | undefined {
  api ??= acquireVsCodeApi();
  const state = api.getState();
  return isState(state) ? state : undefined;
}

export function saveViewState(state: unknown): void {
  api ??= acquireVsCodeApi();
  api.setState(state);
}

/**
 * Hands the host's messages that pass the panel protocol's guard to `handle`, then tells the host
 * the panel is ready. The host posts nothing before 'ready', so listening first means no message
 * is missed; anything else arriving on the window (other origins, other shapes) is ignored.
 */
export function listenToHost<Message>(isHostMessage: (value: unknown) => value is Message, handle: (message: Message) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const message: unknown = event.data;
    if (isHostMessage(message)) handle(message);
  });
  hostSender<{ type: 'ready' }>()({ type: 'ready' });
}
