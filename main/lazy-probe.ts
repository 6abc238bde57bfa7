/**
 * The desktop bundle's probe: the engine's lazy packages and the shell's (see core/lazy-probe.ts).
 * Never loaded by the app; it reads nothing from the environment and starts nothing.
 */
import './system/shell-packages.ts';

export { lazyPackages } from './core/lazy-probe.ts';
