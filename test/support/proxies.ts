import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, connect, createServer as createTcpServer, type Socket } from 'node:net';

export interface TestProxy {
  url: string;
  /** `host:port` of every tunnel it opened, in order. */
  tunnels: string[];
  close(): Promise<void>;
}

/**
 * An HTTP CONNECT proxy on loopback, like a corporate one: it may want a password (`user:pass`,
 * answering 407 without it) or refuse to go anywhere (`refuse`: the status it answers).
 */
export async function startConnectProxy(
  options: { auth?: string; refuse?: number; tls?: { key: string; cert: string } } = {},
): Promise<TestProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const refuse = (_req: IncomingMessage, res: ServerResponse) => res.writeHead(405).end();
  const server = options.tls ? createHttpsServer(options.tls, refuse) : createServer(refuse);
  server.on('connect', (req: IncomingMessage, client: Socket) => {
    sockets.add(client);
    const expected = options.auth && `Basic ${Buffer.from(options.auth).toString('base64')}`;
    if (expected && req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="corp"\r\n\r\n');
      return;
    }
    if (options.refuse) {
      client.end(`HTTP/1.1 ${options.refuse} Refused\r\n\r\n`);
      return;
    }
    tunnels.push(req.url ?? '');
    const [host = '', port = ''] = (req.url ?? '').split(/:(?=\d+$)/);
    const upstream = connect(Number(port), host, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const proxy = await listen(server, options.tls ? 'https' : 'http', tunnels, sockets);
  return options.tls ? { ...proxy, url: proxy.url.replace('127.0.0.1', 'localhost') } : proxy;
}

/** A SOCKS5 proxy on loopback (no authentication, CONNECT only: what socks5:// needs). */
export async function startSocksProxy(): Promise<TestProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createTcpServer((client) => {
    sockets.add(client);
    client.on('error', () => client.destroy());
    client.once('data', () => {
      client.write(Buffer.from([5, 0]));
      client.once('data', (request: Buffer) => {
        const type = request[3];
        let host: string;
        let offset: number;
        if (type === 1) {
          host = [...request.subarray(4, 8)].join('.');
          offset = 8;
        } else {
          const length = request[4] ?? 0;
          host = request.subarray(5, 5 + length).toString();
          offset = 5 + length;
        }
        const port = request.readUInt16BE(offset);
        tunnels.push(`${host}:${port}`);
        const upstream = connect(port, host, () => {
          client.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
          upstream.pipe(client).pipe(upstream);
        });
        sockets.add(upstream);
        upstream.on('error', () => client.destroy());
      });
    });
  });
  return listen(server, 'socks5', tunnels, sockets);
}

async function listen(
  server: ReturnType<typeof createTcpServer>,
  scheme: string,
  tunnels: string[],
  sockets: Set<Socket>,
): Promise<TestProxy> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
