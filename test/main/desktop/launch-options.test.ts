import { describe, expect, it } from 'vitest';
import { readLaunchOptions } from '../../../main/desktop/launch-options.ts';

const TEST_VARIABLES = {
  TOKENTRAY_RENDERER_URL: 'http://127.0.0.1:4444/evil.html',
  TOKENTRAY_USER_DATA: '/tmp/elsewhere',
  TOKENTRAY_E2E: '1',
};

describe('development and test switches', () => {
  it('are obeyed in an unpackaged run (npm run dev, the Electron e2e suite)', () => {
    expect(readLaunchOptions(false, TEST_VARIABLES)).toEqual({
      rendererUrl: 'http://127.0.0.1:4444/evil.html',
      userData: '/tmp/elsewhere',
      e2e: true,
    });
    expect(readLaunchOptions(false, {})).toEqual({ e2e: false });
  });

  it('are ignored, every one of them, by a packaged app', () => {
    expect(readLaunchOptions(true, TEST_VARIABLES)).toEqual({ e2e: false });
  });
});
