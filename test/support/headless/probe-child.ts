/**
 * Loads a built bundle's lazy-probe entry (under the stand-in `electron`) and loads every package
 * it declares, the way the built code does; prints one JSON line per package.
 * Usage: node probe-child.ts <path to lazy-probe.js>
 */
import './stand-in-hook.ts';
import { pathToFileURL } from 'node:url';

const probe = process.argv[2] ?? '';
const { lazyPackages } = (await import(pathToFileURL(probe).href)) as typeof import('../../../main/core/lazy-probe.ts');
for (const item of lazyPackages()) {
  const result = await item.check().then(
    () => 'ok',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  console.log(JSON.stringify({ name: item.name, exports: item.exports, result }));
}
// What the probe loaded (electron-updater's timers, a keep-alive socket pool) must not keep it running.
process.exit(0);
