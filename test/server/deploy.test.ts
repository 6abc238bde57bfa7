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
    // Docker (and orchestrators) can tell a live server from a stuck one.
    expect(docker).toMatch(
      /^HEALTHCHECK .*\\\n\s+CMD \["node", "-e", "fetch\('http:\/\/127\.0\.0\.1:8765\/healthz'\)/m,
    );
  });

  it('keeps the secrets the run recipe uses out of the image, and mounts the files the example reads', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8').split('\n');
    for (const pattern of ['*.env', 'secrets', '**/*.secret']) expect(ignored).toContain(pattern);
    const docker = read('Dockerfile');
    expect(docker).toContain('--env-file secrets.env');
    // The example reads {file: secrets/baidu.secret} relative to /etc/tokentray/server.yaml.
    expect(read('server.example.yaml')).toContain('{ file: secrets/baidu.secret }');
    expect(docker).toContain('-v ./secrets:/etc/tokentray/secrets:ro');
  });

  it('refuses an old Node.js with a message, and exits 2 so systemd does not restart it for ever', () => {
    const unit = read('tokentray-server.service');
    expect(unit).toMatch(/^RestartPreventExitStatus=2$/m);
    expect(unit).toContain('docs/server.md#deploying');
    const old = spawnSync(
      process.execPath,
      [
        '--import',
        'data:text/javascript,Object.defineProperty(process.versions, "node", { value: "18.19.0" });',
        join(ROOT, 'dist/server/tokentray-server.mjs'),
        '--help',
      ],
      { encoding: 'utf8' },
    );
    expect(old.status).toBe(2);
    expect(old.stderr).toContain('tokentray-server needs Node.js 22.12.0 or newer;');
    expect(old.stderr).toContain('is 18.19.0');
    expect(old.stdout).toBe('');
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

  it('gives a compose file for trying team mode: Redis and two servers with their own member names', async () => {
    const { parse } = await import('yaml');
    const compose = parse(read('compose.yaml')) as {
      services: Record<string, { command?: string[]; ports?: string[]; depends_on?: unknown }>;
    };
    expect(Object.keys(compose.services)).toEqual(['redis', 'one', 'two']);
    expect(compose.services.one?.ports).toEqual(['127.0.0.1:8765:8765']);
    expect(compose.services.two?.ports).toEqual(['127.0.0.1:8766:8765']);
    const members = [];
    for (const name of ['one', 'two']) {
      const config = await loadServerConfig(join(ROOT, 'deploy/compose', `${name}.yaml`));
      expect(config.team).toMatchObject({ url: 'redis://redis:6379', teamKey: { env: 'TOKENTRAY_TEAM_KEY' } });
      members.push(config.team?.member);
      expect(compose.services[name]?.command).toEqual(['--config', `/etc/tokentray/${name}.yaml`]);
    }
    expect(members).toEqual(['one', 'two']);
  });

  it('makes a team key to share', () => {
    const run = spawnSync(process.execPath, [join(ROOT, 'dist/server/tokentray-server.mjs'), '--new-team-key'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    expect(parseTeamKey(run.stdout).length).toBe(32);
  });
});
