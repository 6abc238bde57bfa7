import { buildApp } from './support/browser-harness.ts';

/** Builds main, preload and renderer once, before any test reads dist/ (files run in parallel). */
export default function setup(): void {
  buildApp();
}
