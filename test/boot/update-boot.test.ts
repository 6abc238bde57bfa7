import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpdateInfo } from '../../main/contract/ipc.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp } from '../support/headless/boot-harness.ts';

/**
 * electron-updater for real, in the built app running as an installed AppImage: it reads the
 * installer's app-update.yml, fetches latest-linux.yml from a feed on loopback, downloads the new
 * AppImage and checks its sha512, tells the window and the user, and only on the user's word
 * replaces the running AppImage and starts the new one.
 */

let dir: string;
let options: BootOptions;
let app: BootedApp;
let feed: Server;
const requested: string[] = [];

useBootBed(
  'tokentray-update-',
  (bed) => {
    ({ dir, options } = bed);
  },
  () => app,
);

const NEW_VERSION = '0.2.0';
let marker: string;
let installed: string;

beforeAll(async () => {
  marker = join(dir, 'new-version-started');
  // The "new AppImage": a program that says it ran. The old one is what the app runs as.
  const next = Buffer.from(`#!/bin/sh\necho "$APPIMAGE_SILENT_INSTALL" > '${marker}'\n`);
  const sha512 = createHash('sha512').update(next).digest('base64');
  const latest = [
    `version: ${NEW_VERSION}`,
    'files:',
    `  - url: TokenTray-${NEW_VERSION}.AppImage`,
    `    sha512: ${sha512}`,
    `    size: ${next.length}`,
    `path: TokenTray-${NEW_VERSION}.AppImage`,
    `sha512: ${sha512}`,
    "releaseDate: '2026-11-30T08:00:00.000Z'",
    '',
  ].join('\n');
  feed = createServer((req, res) => {
    // electron-updater adds ?noCache=… to the channel file's URL.
    const path = new URL(req.url ?? '/', 'http://feed').pathname;
    requested.push(path);
    if (path === '/latest-linux.yml') res.writeHead(200, { 'content-type': 'text/yaml' }).end(latest);
    else if (path === `/TokenTray-${NEW_VERSION}.AppImage`) res.writeHead(200).end(next);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  const resources = join(dir, 'resources');
  mkdirSync(resources, { recursive: true });
  // What electron-builder writes into the installer from the publish configuration.
  writeFileSync(
    join(resources, 'app-update.yml'),
    `provider: generic\nurl: http://127.0.0.1:${(feed.address() as AddressInfo).port}/\nupdaterCacheDirName: tokentray-updater\n`,
  );
  installed = join(dir, 'Applications', 'TokenTray-0.1.0.AppImage');
  mkdirSync(join(dir, 'Applications'), { recursive: true });
  writeFileSync(installed, '#!/bin/sh\nexit 0\n');
  chmodSync(installed, 0o755);
  app = await bootApp({
    ...options,
    userData: join(dir, 'installed'),
    isPackaged: true,
    resourcesPath: resources,
    env: { APPIMAGE: installed, XDG_CACHE_HOME: join(dir, 'cache') },
  });
  await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
});
afterAll(() => new Promise<void>((resolve) => feed?.close(() => resolve())));

describe('updates in the built app', () => {
  it('downloads a newer version in the background, asks, and installs it only when told', async () => {
    // Checked at start, by itself.
    await app.until((s) => expect(s.notifications.map((n) => n.title)).toContain('TokenTray update ready'), 20_000);
    expect(requested).toContain('/latest-linux.yml');
    expect(requested).toContain(`/TokenTray-${NEW_VERSION}.AppImage`);
    const info = await answerOf<UpdateInfo>(app.api('updateInfo'));
    expect(info).toEqual({ state: 'ready', version: NEW_VERSION });
    // Looking again finds the same download ready; nothing is fetched twice.
    const fetched = requested.length;
    expect(await answerOf<UpdateInfo>(app.api('checkForUpdate'))).toEqual(info);
    expect(requested).toHaveLength(fetched);
    const state = await app.state();
    expect(state.windows[0]?.received.map(([channel]) => channel)).toContain('updates:changed');
    // Nothing was replaced yet: the user decides.
    expect(readFileSync(installed, 'utf8')).toContain('exit 0');
    expect(existsSync(marker)).toBe(false);

    // The tray offers it too; that is where a tray app's user looks.
    await app.until((s) => expect(s.tray?.menu.map((i) => i.label)).toContain(`Restart to update to ${NEW_VERSION}`));
    await app.tray('Restart to update');
    expect(await app.exit(15_000)).toMatchObject({ code: 0 });
    await expect.poll(() => existsSync(marker), { timeout: 5_000 }).toBe(true);
    expect(readFileSync(marker, 'utf8').trim()).toBe('true');
    expect(existsSync(installed)).toBe(false);
    expect(existsSync(join(dir, 'Applications', `TokenTray-${NEW_VERSION}.AppImage`))).toBe(true);
  });
});
