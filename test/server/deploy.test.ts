import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseTeamKey } from '../../main/core/index.ts';
import { loadServerConfig } from '../../main/server/config.ts';
import { ROOT } from '../support/browser-harness.ts';

/**
 * What deploy/ ships for running tokentray-server: checked here as far as this machine can (no
 * Docker daemon; systemd-analyze where installed). The images themselves are built by operators.
 */
const read = (file: string) => readFileSync(join(ROOT, 'deploy', file), 'utf8');

describe('deploying tokentray-server', () => {
  it('documents an example configuration that the server accepts', async () => {
    const config = await loadServerConfig(join(ROOT, 'deploy/server.example.yaml'));
    expect(config.team).toMatchObject({ role: 'member', lockSeconds: 30, prefix: 'tokentray' });
    expect(config.profiles.map((p) => p.provider)).toEqual(['wechat', 'baidu']);
    expect(JSON.stringify(config.profiles)).not.toMatch(/"apiKey":"|"secretKey":"/);
  });

  it('builds a Node 24 slim image that runs the built server as the unprivileged node user', () => {
    const docker = read('Dockerfile');
    expect(docker).toMatch(/^FROM node:24-slim AS build$/m);
    expect(docker).toMatch(/^FROM node:24-slim$/m);
    expect(docker).toMatch(/^USER node$/m);
    expect(docker).not.toMatch(/^USER root$/m);
    expect(docker).toContain('COPY --from=build /src/dist/server/tokentray-server.mjs');
    expect(docker).toMatch(/^ENTRYPOINT \["node", "\/opt\/tokentray\/tokentray-server.mjs"\]$/m);
    expect(docker).toMatch(/^STOPSIGNAL SIGTERM$/m);
    // What the image copies is what `npm run build` makes.
    expect(existsSync(join(ROOT, 'dist/server/tokentray-server.mjs'))).toBe(true);
    expect(readFileSync(join(ROOT, '.dockerignore'), 'utf8')).toContain('node_modules');
  });

  it('gives systemd a hardened unit that systemd-analyze accepts', () => {
    const unit = read('tokentray-server.service');
    expect(unit).toMatch(/^User=tokentray$/m);
    expect(unit).toMatch(/^NoNewPrivileges=yes$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    expect(unit).toMatch(/^StateDirectoryMode=0700$/m);
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
    expect(unit).toContain(
      'ExecStart=/usr/bin/node /opt/tokentray/tokentray-server.mjs --config /etc/tokentray/server.yaml',
    );
    const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
    if (analyze.status !== 0) return; // not installed here: the content checks above still hold
    const dir = mkdtempSync(join(tmpdir(), 'tokentray-unit-'));
    try {
      const file = join(dir, 'tokentray-server.service');
      writeFileSync(file, unit.replace('/usr/bin/node', process.execPath));
      const verify = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
      expect(verify.stderr).toBe('');
      expect(verify.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('makes a team key to share', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/server/tokentray-server.mjs'), '--new-team-key'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(parseTeamKey(run.stdout).length).toBe(32);
  });
});
