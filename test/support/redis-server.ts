import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
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
export async function startRedis(options: { requirePass?: string } = {}) {
  if (!existsSync(REDIS_SERVER)) {
    throw new Error(`${REDIS_SERVER} is missing: install Debian's redis-server (apt-get install redis-server)`);
  }
  const port = await freePort();
  let child: ChildProcess | undefined;

  /** Starts it again after `stop`; a running server is left alone. */
  async function start(): Promise<void> {
    if (child && child.exitCode === null && child.signalCode === null) return;
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    if (options.requirePass) args.push('--requirepass', options.requirePass);
    child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
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

  await start();
  /** One redis-cli command, as a writer with access to the Redis would send it. */
  const cli = (...args: string[]) =>
    execFileSync(
      'redis-cli',
      ['-p', String(port), ...(options.requirePass ? ['-a', options.requirePass, '--no-auth-warning'] : []), ...args],
      { encoding: 'utf8' },
    );
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
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
      return execFileSync('redis-cli', ['-p', String(port), '--scan'], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean);
    },
  };
}

export type TestRedis = Awaited<ReturnType<typeof startRedis>>;
