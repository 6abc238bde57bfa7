/**
 * The main process's entry. It turns on Node's compile cache for the app's own code (parsed
 * once, then loaded from a cache on later starts), then loads the composition root. A tray app
 * starts at login beside many others: start-up time is the user's.
 */
import { enableCompileCache } from 'node:module';
import { join } from 'node:path';
import { app } from 'electron';

try {
  // Packaged: beside the user's data. In development Node's default (a temp folder) serves.
  enableCompileCache(app.isPackaged ? join(app.getPath('userData'), 'compile-cache') : undefined);
} catch {
  // An optimisation only: a runtime without it starts the same, a little slower.
}
await import('./index.ts');
