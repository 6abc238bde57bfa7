import type { BrowserWindow, BrowserWindowConstructorOptions, Session, WebContents } from '../electron-types.ts';

/** The page's Content Security Policy: no inline script, no eval, nothing remote. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export interface WindowDeps {
  /** `new BrowserWindow(options)` in the app. */
  create(options: BrowserWindowConstructorOptions): BrowserWindow;
  session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'webRequest'>;
  preloadPath: string;
  /** The app's own page (app://tokentray/index.html), or the dev server's URL in development. */
  pageUrl: string;
  devTools: boolean;
  /** Whether the app is quitting: then closing really closes. */
  isQuitting(): boolean;
  /** macOS: show the dock icon only while the window is open. */
  onVisibilityChange?(visible: boolean): void;
}

/** Locks the session down before any page loads: no permissions, a CSP on every response. */
export function hardenSession(session: WindowDeps['session']): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** The events by which a page could leave our origin or grow a frame we do not control. */
const NAVIGATION_EVENTS = ['will-navigate', 'will-frame-navigate', 'will-redirect', 'will-attach-webview'] as const;

/**
 * Refuses new windows, navigation of any frame, redirects and webviews. The app installs it on
 * every web contents as it is created, so no page, frame or devtools-opened window is exempt;
 * loading our own page with loadURL is not a navigation these events see.
 */
export function hardenWebContents(contents: Pick<WebContents, 'setWindowOpenHandler' | 'on'>): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  for (const name of NAVIGATION_EVENTS) {
    (contents.on as (event: string, listener: (event: { preventDefault(): void }) => void) => void)(name, (event) =>
      event.preventDefault(),
    );
  }
}

export const WINDOW_OPTIONS = {
  width: 880,
  height: 640,
  minWidth: 560,
  minHeight: 420,
  show: false,
  title: 'TokenTray',
  autoHideMenuBar: true,
} satisfies BrowserWindowConstructorOptions;

/**
 * The status window: isolated, sandboxed, no Node, web security on, no navigation, no popups,
 * devtools only in development. Closing hides it; the app lives on in the tray.
 */
export function createMainWindow(deps: WindowDeps): BrowserWindow {
  const window = deps.create({
    ...WINDOW_OPTIONS,
    webPreferences: {
      preload: deps.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: deps.devTools,
    },
  });
  hardenWebContents(window.webContents);
  window.on('close', (event) => {
    if (deps.isQuitting()) return;
    event.preventDefault();
    window.hide();
  });
  window.on('show', () => deps.onVisibilityChange?.(true));
  window.on('hide', () => deps.onVisibilityChange?.(false));
  window.once('ready-to-show', () => window.show());
  void window.loadURL(deps.pageUrl);
  return window;
}
