import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';
import { killAll, REDIS_SERVER } from './redis-server.ts';

/**
 * A Redis Cluster of three masters (and, with `replicas`, one replica each) from Debian's
 * redis-server, on free ports, no persistence; a master is failed after 1 s without an answer.
 */
export async function startRedisCluster(options: { replicas?: boolean } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-cluster-'));
  const ports = await Promise.all((options.replicas ? [1, 2, 3, 4, 5, 6] : [1, 2, 3]).map(() => freePort()));
  const children = new Map<number, ChildProcess>();
  const cli = (port: number, ...args: string[]) =>
    execFileSync('redis-cli', ['-p', String(port), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const answers = (port: number, ...args: string[]) => {
    try {
      return cli(port, ...args);
    } catch {
      return '';
    }
  };
  const until = async (check: () => boolean, what: string, ms = 20_000) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`redis cluster: ${what} did not happen in ${ms} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  for (const port of ports) {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    args.push('--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir);
    args.push('--cluster-node-timeout', '1000', '--cluster-replica-validity-factor', '0');
    children.set(port, spawn(REDIS_SERVER, args, { stdio: 'ignore' }));
  }
  for (const port of ports) await until(() => answers(port, 'ping').includes('PONG'), `node ${port}`);
  const create = ['--cluster', 'create', ...ports.map((port) => `127.0.0.1:${port}`), '--cluster-yes'];
  if (options.replicas) create.push('--cluster-replicas', '1');
  execFileSync('redis-cli', create, { stdio: 'ignore' });
  await until(() => ports.every((port) => answers(port, 'cluster', 'info').includes('cluster_state:ok')), 'cluster ok');
  if (options.replicas) {
    await until(
      () =>
        answers(ports[0] as number, 'cluster', 'nodes')
          .split('\n')
          .filter((line) => line.includes(' slave ')).length === 3,
      'replicas attached',
    );
  }

  const idOf = (port: number) => cli(port, 'cluster', 'myid').trim();
  /** The port of the master that serves a hash slot now. */
  const ownerOf = (slot: number) => {
    // Asked of any node still answering (a killed master does not).
    const nodes = ports.map((port) => answers(port, 'cluster', 'nodes')).find((text) => text !== '') ?? '';
    for (const line of nodes.split('\n')) {
      const fields = line.split(' ');
      if (!fields[2]?.includes('master') || fields[2].includes('fail')) continue;
      for (const range of fields.slice(8)) {
        const [from = -1, to = from] = range.split('-').map(Number);
        if (slot >= from && slot <= to) return Number(/:(\d+)@/.exec(fields[1] ?? '')?.[1]);
      }
    }
    return Number.NaN;
  };

  return {
    url: `redis+cluster://${ports.map((port) => `127.0.0.1:${port}`).join(',')}`,
    ports,
    cli,
    keySlot: (key: string) => Number(cli(ports[0] as number, 'cluster', 'keyslot', key).trim()),
    ownerOf,
    /** Every key of the cluster (a scan of each master). */
    keys: () => ports.flatMap((port) => cli(port, '--scan').split('\n').filter(Boolean)),
    /**
     * Moves one hash slot, and its keys, to another master, as `redis-cli --cluster reshard`
     * does (IMPORTING, MIGRATING, MIGRATE, SETSLOT NODE): clients meet ASK and MOVED meanwhile.
     */
    async moveSlot(slot: number): Promise<number> {
      const from = ownerOf(slot);
      const to = ports.find((port) => port !== from) as number;
      cli(to, 'cluster', 'setslot', String(slot), 'importing', idOf(from));
      cli(from, 'cluster', 'setslot', String(slot), 'migrating', idOf(to));
      for (;;) {
        const keys = cli(from, 'cluster', 'getkeysinslot', String(slot), '100').split('\n').filter(Boolean);
        if (keys.length === 0) break;
        cli(from, 'migrate', '127.0.0.1', String(to), '', '0', '5000', 'keys', ...keys);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      for (const port of ports) cli(port, 'cluster', 'setslot', String(slot), 'node', idOf(to));
      await until(() => ownerOf(slot) === to, 'the slot move');
      return to;
    },
    /** Kills the master serving `slot` (SIGKILL) and waits until its replica has taken the slot over. */
    async failMaster(slot: number): Promise<number> {
      const old = ownerOf(slot);
      children.get(old)?.kill('SIGKILL');
      const alive = ports.find((port) => port !== old) as number;
      await until(() => {
        const owner = ownerOf(slot);
        return (
          Number.isFinite(owner) && owner !== old && answers(alive, 'cluster', 'info').includes('cluster_state:ok')
        );
      }, 'a failover');
      return ownerOf(slot);
    },
    async stop(): Promise<void> {
      await killAll(children.values());
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
