/**
 * An entry of the built bundles that the programs never load: it names every package the engine
 * loads on first use, so the tests can load each one as the built code would and check the names
 * it reads (see lazy-package.ts). It reads nothing from the environment and starts nothing.
 */
import './lazy-packages.ts';

export { lazyPackages } from './lazy-package.ts';
