import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

/** Debian's redis-server (`.ci/run` installs it when missing); REDIS_SERVER overrides. */
export const REDIS_SERVER = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';

/** Answers once Redis replies to PING on the port, or throws after `ms`. */
async function waitForPing(port: number, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = new Socket();
      socket.setTimeout(500);
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
      socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
      socket.once('data', (data) => {
        socket.destroy();
        resolve(String(data).startsWith('+PONG'));
      });
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A real Redis of the test's own on a free port: no persistence, no config file, gone when stopped.
 * `kill` and `start` again on the same port simulate an outage.
 */
/** The admin user a test Redis with ACL users gets, for redis-cli (the default user is off then). */
const ADMIN = ['admin', 'admin-test-password-1'] as const;

export async function startRedis(
  options: {
    requirePass?: string;
    /** TLS only (`--tls-port`, no plain port) with this authority's server certificate. */
    tls?: { caPem: string; cert: string; key: string };
    /** ACL users, each one `user` directive (`alice on >pw ~keys:* +get`); the default user is off. */
    users?: string[];
  } = {},
) {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install redis-server)`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let tlsFiles: { ca: string; cert: string; key: string } | undefined;
  if (options.tls) {
    const dir = mkdtempSync(join(tmpdir(), 'tokentray-redis-tls-'));
    tlsFiles = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server.key') };
    writeFileSync(tlsFiles.ca, options.tls.caPem);
    writeFileSync(tlsFiles.cert, options.tls.cert);
    writeFileSync(tlsFiles.key, options.tls.key);
  }

  /** Starts it again after `stop`; a running server is left alone. */
  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (tlsFiles) {
      args.push('--port', '0', '--tls-port', String(port), '--tls-cert-file', tlsFiles.cert);
      args.push('--tls-key-file', tlsFiles.key, '--tls-ca-cert-file', tlsFiles.ca, '--tls-auth-clients', 'no');
    } else args.push('--port', String(port));
    if (options.requirePass) args.push('--requirepass', options.requirePass);
    if (options.users) {
      for (const user of [...options.users, `${ADMIN[0]} on >${ADMIN[1]} ~* &* +@all`, 'default off']) {
        args.push('--user', ...user.split(' '));
      }
    }
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    if (tlsFiles || options.users) {
      // redis-cli speaks TLS and ACL: up once it gets an answer.
      const deadline = Date.now() + 10_000;
      for (;;) {
        const answer = (() => {
          try {
            return cli('ping');
          } catch {
            return '';
          }
        })();
        if (answer.includes('PONG')) break;
        if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return;
    }
    await waitForPing(port, 10_000).catch(async (error) => {
      // With a password, PING answers -NOAUTH: still up.
      if (!options.requirePass) throw error;
    });
    if (options.requirePass) await new Promise((resolve) => setTimeout(resolve, 200));
  }

  async function stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
  }

  /** One redis-cli command, as a writer with access to the Redis would send it. */
  function cli(...args: string[]): string {
    const auth = options.users
      ? ['--user', ADMIN[0], '--pass', ADMIN[1], '--no-auth-warning']
      : options.requirePass
        ? ['-a', options.requirePass, '--no-auth-warning']
        : [];
    const tls = tlsFiles ? ['--tls', '--cacert', tlsFiles.ca] : [];
    return execFileSync('redis-cli', ['-p', String(port), ...tls, ...auth, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }
  await start();
  return {
    port,
    url: `${tlsFiles ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
    start,
    stop,
    cli,
    /** Commands the server has processed so far (INFO stats). */
    commandsProcessed(): number {
      return Number(/total_commands_processed:(\d+)/.exec(cli('info', 'stats'))?.[1] ?? Number.NaN);
    },
    /** Every key and what it holds, as text: what an operator or a dump would see. */
    dump(): string {
      const keys = cli('--scan').split('\n').filter(Boolean);
      return keys
        .map((key) => {
          const type = cli('type', key).trim();
          const value = type === 'hash' ? cli('hgetall', key) : type === 'string' ? cli('get', key) : type;
          return `${key}\n${value}`;
        })
        .join('\n');
    },
    keys(): string[] {
      return cli('--scan').split('\n').filter(Boolean);
    },
  };
}

export type TestRedis = Awaited<ReturnType<typeof startRedis>>;

/** Kills every process of a test's Redis group (SIGKILL) and waits for them to end. */
export async function killAll(children: Iterable<ChildProcess>): Promise<void> {
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}
