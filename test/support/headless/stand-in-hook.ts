/**
 * Maps `electron` (for `import` and `require`) to the stand-in, for code loaded after this
 * module: the built bundle under plain Node.
 */
import { registerHooks } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const standInUrl = pathToFileURL(join(import.meta.dirname, 'electron-stand-in.ts')).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'electron') return { url: standInUrl, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
