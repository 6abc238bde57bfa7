import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { killAll, REDIS_SERVER } from './redis-server.ts';

/**
 * A master, a replica and three sentinels from Debian's redis-server (`redis-server <conf>
 * --sentinel`), on free ports, no persistence; sentinels decide a master is down after 1 s.
 */
export async function startSentinelGroup() {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-sentinel-'));
  const [masterPort, replicaPort, ...sentinelPorts] = await Promise.all([1, 2, 3, 4, 5].map(() => freePort()));
  const children = new Map<number, ChildProcess>();
  const cli = (port: number, ...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const redis = (port: number, extra: string[] = []) => {
    const child = spawn(
      REDIS_SERVER,
      // --dir: a replica's full sync writes an RDB file; it goes in the group's own folder.
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir, ...extra],
      { stdio: 'ignore' },
    );
    children.set(port, child);
  };
  const until = async (check: () => boolean, what: string, ms = 15_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`sentinel group: ${what} did not happen in ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const answers = (port: number, ...args: string[]) => {
    try {
      return cli(port, ...args);
    } catch {
      return '';
    }
  };
  redis(masterPort as number);
  redis(replicaPort as number, ['--replicaof', '127.0.0.1', String(masterPort)]);
  await until(
    () => answers(replicaPort as number, 'info', 'replication').includes('master_link_status:up'),
    'replication',
  );
  for (const port of sentinelPorts) {
    const conf = join(dir, `sentinel-${port}.conf`);
    writeFileSync(
      conf,
      `port ${port}\nbind 127.0.0.1\nsentinel monitor mymaster 127.0.0.1 ${masterPort} 2\n` +
        'sentinel down-after-milliseconds mymaster 1000\nsentinel failover-timeout mymaster 4000\n',
    );
    const child = spawn(REDIS_SERVER, [conf, '--sentinel'], { stdio: 'ignore' });
    children.set(port, child);
  }
  const masterNow = () => answers(sentinelPorts[0] as number, 'sentinel', 'get-master-addr-by-name', 'mymaster');
  await until(() => masterNow().includes(String(masterPort)), 'sentinels watching the master');
  await until(
    () =>
      answers(sentinelPorts[0] as number, 'sentinel', 'sentinels', 'mymaster')
        .split('\n')
        .filter((l) => l === 'name').length >= 2,
    'sentinels finding each other',
  );

  return {
    url: `redis+sentinel://${sentinelPorts.map((port) => `127.0.0.1:${port}`).join(',')}/mymaster`,
    masterPort: masterPort as number,
    replicaPort: replicaPort as number,
    /** The port the sentinels name as master now. */
    masterPortNow: () => Number(masterNow().trim().split('\n')[1] ?? Number.NaN),
    cli,
    /** Kills the current master (SIGKILL) and waits until the sentinels promote the replica. */
    async failOver(): Promise<number> {
      const old = Number(masterNow().trim().split('\n')[1]);
      children.get(old)?.kill('SIGKILL');
      await until(() => !masterNow().includes(String(old)) && masterNow().trim() !== '', 'a failover');
      return Number(masterNow().trim().split('\n')[1]);
    },
    async stop(): Promise<void> {
      await killAll(children.values());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
