import { createClient, createCluster, createSentinel } from '@redis/client';
import { trustContext } from '../network.ts';
import { CLUSTER_URL, isSentinelUrl, SENTINEL_URL } from './team-url.ts';

/**
 * How team mode reaches Redis: one server (`redis://`, `rediss://`) through a command connection
 * and a subscriber; a Sentinel-managed master (`redis+sentinel://s1:26379,s2:26379/mymaster`)
 * through node-redis' Sentinel client; or a Redis Cluster (`redis+cluster://n1:6379,n2:6379`)
 * through its Cluster client. Both follow failovers (and the cluster, resharding) by themselves.
 * Either way the team sees the same few commands and hears when the store comes and goes.
 */

/** The commands team mode sends (node-redis' own signatures, narrowed to what is used). */
export interface TeamCommands {
  set(key: string, value: string, options?: unknown): Promise<unknown>;
  get(key: string): Promise<string | null>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

export interface RedisConnection {
  commands: TeamCommands;
  /**
   * The key a credential's slot is stored under: a Redis Cluster needs the slot, its lock and its
   * failure in one hash slot (`{slot}`), so its Lua scripts and its MULTI can run.
   */
  slotKey(name: string): string;
  /** Every connection team mode needs is up. */
  up(): boolean;
  /** Hears `true` when the store is (again) reachable, `false` when it is lost. */
  onChange(listener: (up: boolean) => void): void;
  subscribe(channel: string, listener: (message: string) => void): void;
  /** A command failed: a connection that can learn the topology afresh (a cluster) does so. */
  trouble?(): void;
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
  if (isSentinelUrl(options.url)) return sentinelConnection(options);
  if (CLUSTER_URL.test(options.url)) return clusterConnection(options);
  return serverConnection(options);
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
    slotKey: (name) => name,
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

/** How often a lost Sentinel- or Cluster-managed store is tried again. */
const PROBE_MS = 500;

/** `host:port,host:port` as node addresses (default port given). */
function nodesOf(hosts: string, defaultPort: string): { host: string; port: number }[] {
  return hosts.split(',').map((host) => {
    const [hostname = '', port = defaultPort] = host.split(/:(?=\d+$)/);
    return { host: hostname, port: Number(port) };
  });
}

/** The credentials of a `redis+…://user:password@…` URL, unless given apart. */
function credentialsOf(options: RedisConnectionOptions, user: string | undefined, password: string | undefined) {
  const username = options.username ?? (user ? decodeURIComponent(user) : undefined);
  const secret = options.password ?? (password ? decodeURIComponent(password) : undefined);
  return { ...(username ? { username } : {}), ...(secret ? { password: secret } : {}) };
}

interface ProbedState {
  probe(): Promise<void>;
  soon(): void;
  up(): boolean;
  onChange(listener: (up: boolean) => void): void;
  stop(): void;
}

/**
 * Up or down, learnt by a PING: at start, after any error or topology change, and every PROBE_MS
 * while down (the Sentinel and Cluster clients follow the topology themselves).
 */
function probedState(ping: () => Promise<unknown>): ProbedState {
  const listeners = new Set<(up: boolean) => void>();
  let isUp = false;
  let closed = false;
  let probing: ReturnType<typeof setTimeout> | undefined;
  const tell = (value: boolean) => {
    if (value === isUp && value) return;
    isUp = value;
    for (const listener of listeners) listener(value);
  };
  const later = (ms: number) => {
    probing = setTimeout(() => void state.probe(), ms);
    probing.unref?.();
  };
  const state: ProbedState = {
    async probe() {
      probing = undefined;
      if (closed) return;
      const answered = await Promise.race([
        ping().then(
          () => true,
          () => false,
        ),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 2_000).unref?.()),
      ]);
      if (closed) return;
      if (answered) tell(true);
      else {
        if (isUp) tell(false);
        later(PROBE_MS);
      }
    },
    soon() {
      if (!probing && !closed) later(50);
    },
    up: () => isUp,
    onChange: (listener) => void listeners.add(listener),
    stop() {
      closed = true;
      if (probing) clearTimeout(probing);
    },
  };
  return state;
}

/** What a Sentinel or Cluster client offers the team beyond commands. */
interface ManagedClient {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: string, listener: () => void): unknown;
  close(): Promise<void>;
  destroy(): unknown;
  readonly isOpen: boolean;
}

type Subscription = [string, (message: string) => void];

/** Connects a Sentinel or Cluster client: subscribes once connected, then learns whether it is up. */
function startManaged(
  client: ManagedClient,
  state: ProbedState,
  events: readonly string[],
  subscription: () => Subscription | undefined,
): void {
  for (const event of events) client.on(event, state.soon);
  void client
    .connect()
    .then(async () => {
      const wanted = subscription();
      if (wanted) await client.subscribe(...wanted);
      await state.probe();
    })
    .catch(() => state.soon());
}

/** Closes a client; a graceful close waits for nodes that may be gone for good: a second at most, then cut. */
async function closeManaged(client: ManagedClient): Promise<void> {
  const closed = client.close().then(
    () => true,
    () => false,
  );
  const waited = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 1_000).unref?.());
  if (!(await Promise.race([closed, waited]))) await Promise.resolve(client.destroy()).catch(() => undefined);
}

/** A Sentinel or Cluster client as the team's connection, told up or down by PING. */
function managedConnection(
  client: ManagedClient,
  ping: () => Promise<unknown>,
  events: string[],
  slotKey: (name: string) => string,
): RedisConnection {
  const state = probedState(ping);
  let subscription: Subscription | undefined;
  startManaged(client, state, events, () => subscription);
  return {
    commands: client as unknown as TeamCommands,
    slotKey,
    up: state.up,
    onChange: state.onChange,
    subscribe(channel, listener) {
      subscription = [channel, listener];
      if (client.isOpen) void client.subscribe(channel, listener).catch(() => undefined);
    },
    async close() {
      state.stop();
      await closeManaged(client);
    },
  };
}

/** A master behind Redis Sentinel: node-redis asks the sentinels for it and follows a failover. */
function sentinelConnection(options: RedisConnectionOptions): RedisConnection {
  const [, user, password, hosts = '', name = ''] = SENTINEL_URL.exec(options.url) ?? [];
  const sentinel = createSentinel({
    name: decodeURIComponent(name),
    sentinelRootNodes: nodesOf(hosts, '26379'),
    nodeClientOptions: { ...credentialsOf(options, user, password), socket: socketBase },
    sentinelClientOptions: { socket: socketBase },
    // A command during a failover is retried on the new master a few times, then fails (served locally).
    maxCommandRediscovers: 4,
  });
  return managedConnection(
    sentinel as unknown as ManagedClient,
    () => (sentinel as unknown as { ping(): Promise<string> }).ping(),
    ['error', 'topology-change'],
    (slot) => slot,
  );
}

/** A cluster's topology is learnt afresh at most this often when commands fail. */
const RENEW_MS = 2_000;

/**
 * A Redis Cluster: node-redis learns the slots from the seed nodes and follows MOVED and ASK
 * redirections (resharding); every key of one credential shares a hash slot. A master that dies
 * sends no MOVED, so when commands fail the client is made anew from the seeds, which then name
 * the promoted replica (node-redis 5 rediscovers on redirections only).
 */
function clusterConnection(options: RedisConnectionOptions): RedisConnection {
  const [, user, password, hosts = ''] = CLUSTER_URL.exec(options.url) ?? [];
  const make = () =>
    createCluster({
      rootNodes: nodesOf(hosts, '6379').map(({ host, port }) => ({ socket: { host, port } })),
      defaults: { ...credentialsOf(options, user, password), socket: socketBase, disableOfflineQueue: true },
      maxCommandRedirections: 8,
    });
  let current = make();
  let renewedAt = 0;
  let closed = false;
  let subscription: Subscription | undefined;
  const state = probedState(() => current.sendCommand(undefined, true, ['PING']));
  const start = (cluster: ReturnType<typeof make>) =>
    startManaged(cluster as unknown as ManagedClient, state, ['error', 'node-error'], () => subscription);
  const cut = (cluster: ReturnType<typeof make>) => closeManaged(cluster as unknown as ManagedClient);
  start(current);
  const commands: TeamCommands = {
    set: (...args) => (current as unknown as TeamCommands).set(...args),
    get: (key) => (current as unknown as TeamCommands).get(key),
    eval: (script, evalOptions) => (current as unknown as TeamCommands).eval(script, evalOptions),
  };
  return {
    commands,
    slotKey: (slot) => `{${slot}}`,
    up: state.up,
    onChange: state.onChange,
    subscribe(channel, listener) {
      subscription = [channel, listener];
      if (current.isOpen) void current.subscribe(channel, listener).catch(() => undefined);
    },
    trouble() {
      if (closed || Date.now() - renewedAt < RENEW_MS) return;
      renewedAt = Date.now();
      const old = current;
      current = make();
      start(current);
      void cut(old);
    },
    async close() {
      closed = true;
      state.stop();
      await cut(current);
    },
  };
}
