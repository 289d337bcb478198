import * as vscode from 'vscode';
import type { PanelApp } from '../../webview/protocol/panelApp';
import { panelHtml } from './panelWebview';

/** What every panel protocol's webview side sends first, once it listens. */
interface ReadyMessage { type: 'ready' }

export interface PanelChannelOptions<WebviewMessage extends { type: string }> {
  extensionUri: vscode.Uri;
  /** The webview app to start, and the page title. */
  app: PanelApp;
  title: string;
  /** The protocol's guard: anything else the webview posts is ignored. */
  isWebviewMessage: (value: unknown) => value is WebviewMessage;
  /** Every message but 'ready', which the channel itself answers. */
  onMessage?: (message: Exclude<WebviewMessage, ReadyMessage>) => void;
  /**
   * Every 'ready': the first, and again each time the webview reloads the app, which it does when
   * its tab comes back from the background (retainContextWhenHidden is off).
   */
  onReady?: () => void;
}

/**
 * The host's end of one panel's typed messages. It loads the app into the webview (after it
 * listens, so the app's 'ready' cannot be missed), hands the app's messages to `onMessage`, and
 * holds every post back until the app said 'ready': a message posted before the app listens is
 * lost, and the panel would wait for it forever.
 */
export class PanelChannel<HostMessage, WebviewMessage extends { type: string }> implements vscode.Disposable {
  /** Settles when the app listens; never, when the panel closes first. */
  readonly ready: Promise<void>;
  private listened = false;
  private readonly listener: vscode.Disposable;

  constructor(private readonly webview: vscode.Webview, options: PanelChannelOptions<WebviewMessage>) {
    let becameReady: () => void = () => undefined;
    this.ready = new Promise<void>((resolve) => { becameReady = resolve; });
    this.listener = webview.onDidReceiveMessage((message: unknown) => {
      if (!options.isWebviewMessage(message)) return;
      if (isRequest(message)) {
        options.onMessage?.(message);
        return;
      }
      this.listened = true;
      becameReady();
      options.onReady?.();
    });
    webview.html = panelHtml(webview, options.extensionUri, options.app, options.title);
  }

  /**
   * True once the app has said 'ready'. A panel that keeps what it shows posts it when it has it
   * only if this holds, and from `onReady` otherwise, so the first 'ready' does not get it twice.
   */
  get hasListened(): boolean {
    return this.listened;
  }

  /**
   * Posts once the app listens; posts keep their order. A post while the tab is in the background
   * (or reloading) is lost, so what the panel shows must also be re-sent from `onReady`.
   */
  post(message: HostMessage): void {
    void this.ready.then(() => this.webview.postMessage(message));
  }

  dispose(): void {
    this.listener.dispose();
  }
}

/** Anything the app asks for, as opposed to its one 'ready'. */
function isRequest<M extends { type: string }>(message: M): message is Exclude<M, ReadyMessage> {
  return message.type !== 'ready';
}
