import { type ChildProcess, fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcResult } from '../../../main/contract/ipc.ts';
import { ROOT } from '../browser-harness.ts';
import { API_KEY, SECRET_KEY } from '../engine-fixture.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../fake-token-server.ts';
import type { StandInConfig } from './electron-stand-in.ts';
import type { StandInState } from './stand-in-inspect.ts';

const CHILD = join(import.meta.dirname, 'boot-child.ts');

export interface BootOptions {
  userData: string;
  logs: string;
  /** `$XDG_CONFIG_HOME`, where Linux autostart entries go. */
  xdgConfig: string;
  isPackaged?: boolean;
  /** Extra environment for the app (test variables a packaged app must ignore...). */
  env?: Record<string, string>;
  argv?: string[];
  keychainSeed?: string;
  resourcesPath?: string;
}

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/**
 * The built app (dist/main) running in a child Node process under the stand-in `electron`,
 * driven the way a user drives it: tray clicks, the window's preload API, power events, quit.
 */
export async function bootApp(options: BootOptions) {
  const config: StandInConfig = {
    isPackaged: options.isPackaged ?? false,
    platform: process.platform,
    appPath: ROOT,
    userData: options.userData,
    logs: options.logs,
    keychainSeed: options.keychainSeed ?? 'boot-test-keychain',
    argv: options.argv ?? ['tokentray'],
    ...(options.resourcesPath ? { resourcesPath: options.resourcesPath } : {}),
  };
  const output: string[] = [];
  const child: ChildProcess = fork(CHILD, options.argv ?? [], {
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      XDG_CONFIG_HOME: options.xdgConfig,
      TOKENTRAY_STAND_IN: JSON.stringify(config),
      ...options.env,
    },
  });
  child.stdout?.on('data', (chunk) => output.push(String(chunk)));
  child.stderr?.on('data', (chunk) => output.push(String(chunk)));
  const exited = new Promise<{ code: number | null; signal: string | null; at: number }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
  );
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let final: StandInState | undefined;
  let nextId = 1;
  child.on('message', (message: Reply | { final: StandInState }) => {
    if ('final' in message) {
      final = message.final;
      return;
    }
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.ok) waiter.resolve(message.value);
    else waiter.reject(new Error(message.error));
  });
  // A process that ends fails every question still waiting for an answer, with what it printed.
  void exited.then(({ code, signal }) => {
    for (const waiter of pending.values()) {
      waiter.reject(new Error(`the app exited (${code ?? signal}):\n${output.join('')}`));
    }
    pending.clear();
  });
  await new Promise<void>((resolve, reject) => pending.set(0, { resolve: () => resolve(), reject }));

  function call<T = unknown>(op: string, ...args: unknown[]): Promise<T> {
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) {
        reject(new Error(`the app has exited:\n${output.join('')}`));
        return;
      }
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      child.send({ id, op, args });
    });
  }

  const app = {
    child,
    output,
    exited,
    /** The last state the app reported as it quit (sent on its 'quit' event). */
    final: () => final,
    call,
    state: () => call<StandInState>('state'),
    /** Calls `window.tokentray[name](...args)` in the window's page, as the renderer would. */
    api: <T = unknown>(name: string, ...args: unknown[]) => call<IpcResult<T>>('api', name, ...args),
    tray: (...path: string[]) => call('tray', ...path),
    /** Polls the app's state until `check` passes (it throws until then, like an expect). */
    async until(check: (state: StandInState) => void, timeout = 10_000): Promise<StandInState> {
      // A plain loop rather than vi.waitFor, so benchmarks can drive the app outside vitest.
      const deadline = Date.now() + timeout;
      for (;;) {
        const state = await app.state();
        try {
          check(state);
          return state;
        } catch (error) {
          if (Date.now() > deadline) throw error;
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    /** Waits for the process to end by itself; on a hang, says what keeps it alive, then kills it. */
    async exit(timeout = 10_000): Promise<{ code: number | null; signal: string | null; at: number }> {
      const timer = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), timeout));
      const result = await Promise.race([exited, timer]);
      if (result !== 'hung') return result;
      const handles = await Promise.race([call('handles'), new Promise((r) => setTimeout(() => r('?'), 1000))]);
      child.kill('SIGKILL');
      throw new Error(
        `the app did not exit on its own; still open: ${JSON.stringify(handles)}\n${output.join('').slice(-2000)}`,
      );
    },
    kill: () => child.kill('SIGKILL'),
  };
  return app;
}

export type BootedApp = Awaited<ReturnType<typeof bootApp>>;

/**
 * Where a booted app's test lives: a temp folder with the app's paths in it, and a fake token
 * server that knows the test keys. `dispose` kills the app if it is still running.
 */
export async function createBootBed(prefix: string): Promise<{
  dir: string;
  server: FakeTokenServer;
  options: BootOptions;
  dispose(app?: BootedApp): Promise<void>;
}> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const server = await startFakeTokenServer({ clients: { [API_KEY]: SECRET_KEY } });
  return {
    dir,
    server,
    options: { userData: join(dir, 'TokenTray'), logs: join(dir, 'logs'), xdgConfig: join(dir, 'xdg') },
    async dispose(app) {
      app?.kill();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the window's API answered; an app that refused fails the test with its error. */
export async function answerOf<T>(pending: Promise<{ ok: boolean; value?: T; error?: unknown }>): Promise<T> {
  const result = await pending;
  if (!result.ok) throw new Error(`the app refused: ${JSON.stringify(result.error)}`);
  return result.value as T;
}

/** A profile as the window's form sends it, with the keys the fake token server knows. */
export function testProfile(name: string, provider: string, tokenUrl: string) {
  return { name, provider, apiKey: API_KEY, secretKey: SECRET_KEY, tokenUrl };
}
