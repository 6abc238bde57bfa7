/** Switches the development loop and the end-to-end suite set through the environment. */
export interface LaunchOptions {
  /** Another data folder (the e2e suite runs against a temp profile). */
  userData?: string;
  /** Load the window from this URL instead of the app's own page (Vite's dev server). */
  rendererUrl?: string;
  /** Record what the tray and notifications were given, for the e2e suite to read. */
  e2e: boolean;
}

/**
 * Reads the development and test switches, and only in an unpackaged run. A packaged app obeys
 * none of them: a variable that could point the window at another page, whose IPC the guard
 * would then trust, or move the keys to another folder, is exactly the injection the fuses shut.
 */
export function readLaunchOptions(
  isPackaged: boolean,
  env: Readonly<Record<string, string | undefined>>,
): LaunchOptions {
  if (isPackaged) return { e2e: false };
  const options: LaunchOptions = { e2e: env.TOKENTRAY_E2E === '1' };
  if (env.TOKENTRAY_USER_DATA) options.userData = env.TOKENTRAY_USER_DATA;
  if (env.TOKENTRAY_RENDERER_URL) options.rendererUrl = env.TOKENTRAY_RENDERER_URL;
  return options;
}
