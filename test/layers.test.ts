import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './support/browser-harness.ts';

/**
 * The layers are kept apart by the linter (biome.json, noRestrictedImports per folder). Each rule
 * is shown firing on a file that breaks it, in a copy of the real configuration, and staying
 * quiet on the imports each layer is allowed.
 */
const FIXTURES: Record<string, string> = {
  // The engine: no Electron, no shell module, no window; itself and the contract only.
  'main/core/uses-electron.ts': "import { app } from 'electron';\nexport const a = app;\n",
  'main/core/uses-store.ts': "import Store from 'electron-store';\nexport const s = Store;\n",
  'main/core/uses-shell.ts':
    "import { createDesktop } from '../desktop/desktop.ts';\nexport const d = createDesktop;\n",
  'main/core/providers/uses-tray.ts': "import { tray } from '../../tray/tray.ts';\nexport const t = tray;\n",
  'main/core/uses-window.ts': "import { api } from '../../renderer/src/api.ts';\nexport const w = api;\n",
  // The contract: shared with the window, so no engine and no schema library but zod/mini.
  'main/contract/uses-engine.ts': "import { PROVIDERS } from '../core/index.ts';\nexport const p = PROVIDERS;\n",
  'main/contract/uses-zod.ts': "import { z } from 'zod';\nexport const s = z.string();\n",
  // The window: only the contract.
  'renderer/src/uses-engine.ts': "import { PROVIDERS } from '../../main/core/index.ts';\nexport const p = PROVIDERS;\n",
  'renderer/src/uses-shell.ts':
    "import { createClipboardGuard } from '../../main/clipboard/clipboard-guard.ts';\nexport const f = createClipboardGuard;\n",
  'renderer/src/uses-electron.ts': "import { ipcRenderer } from 'electron';\nexport const i = ipcRenderer;\n",
  // Shell modules: Electron only through the composition root.
  'main/tray/uses-electron.ts': "import { Tray } from 'electron';\nexport const t = Tray;\n",
  'main/uses-electron.ts': "import { app } from 'electron';\nexport const a = app;\n",
  'main/api/uses-electron.ts': "import { app } from 'electron';\nexport const a = app;\n",
  // The CLI: a thin client of the app, one file with no runtime dependencies.
  'main/cli/uses-engine.ts': "import { PROVIDERS } from '../core/index.ts';\nexport const p = PROVIDERS;\n",
  'main/cli/uses-shell.ts':
    "import { createApiServer } from '../api/api-server.ts';\nexport const s = createApiServer;\n",
  'main/cli/uses-package.ts': "import got from 'got';\nexport const g = got;\n",
  'main/cli/uses-zod.ts': "import * as z from 'zod/mini';\nexport const s = z.string();\n",
};

const ALLOWED: Record<string, string> = {
  'main/cli/ok.ts':
    "import { request } from 'node:http';\nimport { readFile } from 'node:fs/promises';\nimport pkg from '../../package.json' with { type: 'json' };\nimport { EXIT } from '../contract/local-api.ts';\nimport { x } from './run.ts';\nexport const ok = [request, readFile, pkg, EXIT, x];\n",
  'main/api/ok.ts':
    "import { createServer } from 'node:http';\nimport { PROVIDERS } from '../core/index.ts';\nimport { formatToken } from '../core/index.ts';\nexport const ok = [createServer, PROVIDERS, formatToken];\n",
  'main/core/ok.ts':
    "import { z } from 'zod/mini';\nimport type { ProfileView } from '../contract/views.ts';\nimport { x } from './errors.ts';\nexport const ok = [z, x] as unknown as ProfileView;\n",
  'main/core/providers/ok.ts':
    "import { failure } from '../errors.ts';\nimport type { OptionSpec } from '../../contract/catalogue.ts';\nexport const ok = failure as unknown as OptionSpec;\n",
  'main/contract/ok.ts':
    "import en from '../../assets/locales/en.json' with { type: 'json' };\nimport { COPY_FORMATS } from './vocabulary.ts';\nexport const ok = [en, COPY_FORMATS];\n",
  'renderer/src/ok.ts':
    "import { html } from 'lit';\nimport type { ProfileView } from '../../main/contract/views.ts';\nimport { api } from './api.ts';\nexport const ok = [html, api] as unknown as ProfileView;\n",
  'main/tray/ok.ts':
    "import type { Tray } from '../electron-types.ts';\nimport { PROVIDERS } from '../core/index.ts';\nexport const ok = PROVIDERS as unknown as Tray;\n",
};

let dir: string;
let report = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tokentray-layers-'));
  const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
  delete config.$schema;
  delete config.vcs;
  delete config.files;
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  for (const [path, text] of Object.entries({ ...FIXTURES, ...ALLOWED })) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  // Biome prints its diagnostics on stderr and exits non-zero when a rule fires.
  const run = spawnSync(join(ROOT, 'node_modules/.bin/biome'), ['lint', '--colors=off', '--max-diagnostics=200', '.'], {
    cwd: dir,
    encoding: 'utf8',
  });
  report = `${run.stdout}${run.stderr}`;
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const flagged = (path: string) => new RegExp(`${path.replaceAll('.', '\\.')}:\\d+:\\d+ lint/style/noRestrictedImports`);

describe('the layer rules in biome.json', () => {
  it.each(Object.keys(FIXTURES))('refuse %s', (path) => {
    expect(report).toMatch(flagged(path));
  });

  it.each(Object.keys(ALLOWED))('allow what %s imports', (path) => {
    expect(report).not.toMatch(flagged(path));
  });
});
