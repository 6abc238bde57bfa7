import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../test/support/free-port.ts';

/** A proxy measured beside the gateway in the same run: its port, and how to stop it. */
export interface Yardstick {
  name: string;
  port: number;
  stop(): Promise<void>;
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

/** The bare Node forwarder (floor-proxy.ts) in its own process, in front of `upstreamPort`. */
export async function startFloorProxy(upstreamPort: number): Promise<Yardstick> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'floor-proxy.ts'), String(upstreamPort)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (data) => {
      const found = /port (\d+)/.exec(String(data));
      if (found) resolve(Number(found[1]));
    });
    child.once('exit', (code) => reject(new Error(`the floor proxy exited ${code}`)));
  });
  return {
    name: 'bare Node proxy',
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

/**
 * nginx (one worker, keep-alive upstream, `proxy_buffering on`, buffers in memory) when it is
 * installed (`apt-get install nginx-light`): a peer tool's figure beside ours. Undefined otherwise.
 */
export async function startNginx(upstreamPort: number): Promise<Yardstick | undefined> {
  if (spawnSync('nginx', ['-v']).error) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-nginx-'));
  const port = await freePort();
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${kind}_temp_path ${dir};`)
    .join(' ');
  writeFileSync(
    join(dir, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http {
  access_log off; ${temp}
  upstream api { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://api; proxy_http_version 1.1; proxy_set_header Connection "";
      proxy_buffering on; proxy_max_temp_file_size 0;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'inherit' });
  // Ready when it answers (the upstream's 404 for an unknown path is an answer).
  for (let tries = 0; tries < 100; tries++) {
    const answered = await fetch(`http://127.0.0.1:${port}/small`).then(
      () => true,
      () => false,
    );
    if (answered) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    name: 'nginx',
    port,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
