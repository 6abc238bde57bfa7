import { createClient, createSentinel } from '@redis/client';
import { trustContext } from '../network.ts';
import { isSentinelUrl, SENTINEL_URL } from './team-url.ts';

/**
 * How team mode reaches Redis: one server (`redis://`, `rediss://`) through a command connection
 * and a subscriber, or a Sentinel-managed master (`redis+sentinel://s1:26379,s2:26379/mymaster`)
 * through node-redis' Sentinel client, which follows a failover by itself. Either way the team
 * sees the same few commands and hears when the store comes and goes.
 */

/** The commands team mode sends (node-redis' own signatures, narrowed to what is used). */
export interface TeamCommands {
  set(key: string, value: string, options?: unknown): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  multi(): {
    hGetAll(key: string): ReturnType<TeamCommands['multi']>;
    get(key: string): ReturnType<TeamCommands['multi']>;
    exec(): Promise<unknown>;
  };
}

export interface RedisConnection {
  commands: TeamCommands;
  /** Every connection team mode needs is up. */
  up(): boolean;
  /** Hears `true` when the store is (again) reachable, `false` when it is lost. */
  onChange(listener: (up: boolean) => void): void;
  subscribe(channel: string, listener: (message: string) => void): void;
  close(): Promise<void>;
}

export interface RedisConnectionOptions {
  url: string;
  username?: string | undefined;
  password?: string | undefined;
  extraCertificates?: () => readonly string[];
}

const socketBase = {
  connectTimeout: 3_000,
  // Back off to 2 s between attempts: sharing resumes within seconds of Redis returning.
  reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, 2_000),
};

export function openRedisConnection(options: RedisConnectionOptions): RedisConnection {
  return isSentinelUrl(options.url) ? sentinelConnection(options) : serverConnection(options);
}

/** One Redis server: commands on one connection, pub/sub on a second. */
function serverConnection(options: RedisConnectionOptions): RedisConnection {
  const client = createClient({
    url: options.url,
    ...(options.username ? { username: options.username } : {}),
    ...(options.password ? { password: options.password } : {}),
    // A command while disconnected fails at once: the engine then serves what it has.
    disableOfflineQueue: true,
    socket: {
      // rediss:// trusts what token requests trust: the system's store, Node's, the extra CA file.
      ...(new URL(options.url).protocol === 'rediss:'
        ? { tls: true as const, secureContext: trustContext(options.extraCertificates?.() ?? []) }
        : {}),
      ...socketBase,
    },
  });
  const subscriber = client.duplicate();
  const listeners = new Set<(up: boolean) => void>();
  const up = () => client.isReady && subscriber.isReady;
  const tell = (value: boolean) => {
    for (const listener of listeners) listener(value);
  };
  for (const each of [client, subscriber]) {
    each.on('error', () => tell(false));
    // One connection ready while the other is still on its way is no news.
    each.on('ready', () => {
      if (up()) tell(true);
    });
    each.on('end', () => tell(false));
  }
  let subscription: [string, (message: string) => void] | undefined;
  void client.connect().catch(() => undefined);
  void subscriber
    .connect()
    .then(() => (subscription ? subscriber.subscribe(...subscription) : undefined))
    .catch(() => undefined);
  return {
    commands: client as unknown as TeamCommands,
    up,
    onChange: (listener) => void listeners.add(listener),
    subscribe(channel, listener) {
      subscription = [channel, listener];
      if (subscriber.isReady) void subscriber.subscribe(channel, listener).catch(() => undefined);
    },
    async close() {
      await Promise.all(
        [client, subscriber].map((each) =>
          each.isOpen ? each.close().catch(() => each.destroy()) : Promise.resolve(each.destroy()),
        ),
      ).catch(() => undefined);
    },
  };
}

/** How often a lost Sentinel-managed store is tried again. */
const PROBE_MS = 500;

/**
 * A master behind Redis Sentinel: node-redis asks the sentinels for the master, follows a
 * failover, and keeps pub/sub on the current master. Whether the store is up is learnt by a PING:
 * at start, after any error or topology change, and every PROBE_MS while it is down.
 */
function sentinelConnection(options: RedisConnectionOptions): RedisConnection {
  const [, user, password, hosts = '', name = ''] = SENTINEL_URL.exec(options.url) ?? [];
  const sentinelRootNodes = hosts.split(',').map((host) => {
    const [hostname = '', port = '26379'] = host.split(/:(?=\d+$)/);
    return { host: hostname, port: Number(port) };
  });
  const username = options.username ?? (user ? decodeURIComponent(user) : undefined);
  const secret = options.password ?? (password ? decodeURIComponent(password) : undefined);
  const sentinel = createSentinel({
    name: decodeURIComponent(name),
    sentinelRootNodes,
    nodeClientOptions: {
      ...(username ? { username } : {}),
      ...(secret ? { password: secret } : {}),
      socket: socketBase,
    },
    sentinelClientOptions: { socket: socketBase },
    // A command during a failover is retried on the new master a few times, then fails (served locally).
    maxCommandRediscovers: 4,
  });
  const listeners = new Set<(up: boolean) => void>();
  let isUp = false;
  let closed = false;
  let probing: ReturnType<typeof setTimeout> | undefined;
  const tell = (value: boolean) => {
    if (value === isUp && value) return;
    isUp = value;
    for (const listener of listeners) listener(value);
  };
  async function probe(): Promise<void> {
    probing = undefined;
    if (closed) return;
    const answered = await Promise.race([
      (sentinel as unknown as { ping(): Promise<string> }).ping().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref?.()),
    ]);
    if (closed) return;
    if (answered) tell(true);
    else {
      if (isUp) tell(false);
      probing = setTimeout(() => void probe(), PROBE_MS);
      probing.unref?.();
    }
  }
  const soon = () => {
    if (probing || closed) return;
    probing = setTimeout(() => void probe(), 50);
    probing.unref?.();
  };
  sentinel.on('error', soon);
  sentinel.on('topology-change', soon);
  let subscription: [string, (message: string) => void] | undefined;
  void sentinel
    .connect()
    .then(async () => {
      if (subscription) await sentinel.subscribe(...subscription);
      await probe();
    })
    .catch(() => soon());
  return {
    commands: sentinel as unknown as TeamCommands,
    up: () => isUp,
    onChange: (listener) => void listeners.add(listener),
    subscribe(channel, listener) {
      subscription = [channel, listener];
      if (sentinel.isReady) void sentinel.subscribe(channel, listener).catch(() => undefined);
    },
    async close() {
      closed = true;
      if (probing) clearTimeout(probing);
      await sentinel.close().catch(() => sentinel.destroy());
    },
  };
}
