import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface UpstreamRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  /** Resolves when the client (the gateway) closed the connection before the answer ended. */
  aborted: Promise<void>;
}

type Handler = (request: UpstreamRequest, response: ServerResponse) => void | Promise<void>;

/**
 * A provider API on loopback for the gateway's tests: records every request it receives (method,
 * target, headers, body) and answers with whatever handler the test sets (JSON echo by default).
 * With `tls` it serves HTTPS with that certificate (a private CA's, as behind a TLS-inspecting proxy).
 */
export async function startFakeApi(options: { tls?: { key: string; cert: string } } = {}) {
  const requests: UpstreamRequest[] = [];
  let handler: Handler = (request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ ok: true, path: request.url, method: request.method }));
  };
  const server = (options.tls ? createHttpsServer.bind(null, options.tls) : createServer)((req, res) => {
    const chunks: Buffer[] = [];
    const aborted = new Promise<void>((resolve) =>
      res.once('close', () => {
        if (!res.writableFinished) resolve();
      }),
    );
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded: UpstreamRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks),
        aborted,
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, res)).catch(() => res.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `${options.tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    /** How the API answers from now on. */
    answer(next: Handler) {
      handler = next;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type FakeApi = Awaited<ReturnType<typeof startFakeApi>>;

/** Sends a JSON answer. */
export function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  response.end(JSON.stringify(body));
}
