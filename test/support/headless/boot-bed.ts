import { afterAll, beforeAll } from 'vitest';
import { type BootedApp, createBootBed } from './boot-harness.ts';

export type BootBed = Awaited<ReturnType<typeof createBootBed>>;

/**
 * A boot test's bed for the whole file: made before the first test, disposed after the last,
 * killing whatever app `app()` returns then. `set` hands the bed to the test file.
 */
export function useBootBed(prefix: string, set: (bed: BootBed) => void, app: () => BootedApp | undefined): void {
  let bed: BootBed | undefined;
  beforeAll(async () => {
    bed = await createBootBed(prefix);
    set(bed);
  });
  afterAll(() => bed?.dispose(app()));
}
