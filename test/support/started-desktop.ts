import { afterEach, beforeEach } from 'vitest';
import { createDesktopFixture, type DesktopFixture, type DesktopFixtureOptions } from './desktop-fixture.ts';

/**
 * A started desktop (real engine, real local API) for each test, disposed after it. `set` hands
 * the fixture to the test file; `current` returns the one to dispose (a test may replace it).
 */
export function useStartedDesktop(
  set: (fixture: DesktopFixture) => void,
  current: () => DesktopFixture | undefined,
  options: DesktopFixtureOptions = {},
): void {
  beforeEach(async () => {
    const fixture = await createDesktopFixture(options);
    set(fixture);
    await fixture.desktop.start();
  });
  afterEach(async () => {
    await current()?.fx.dispose();
  });
}
