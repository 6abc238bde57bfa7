import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { MAX_CONNECTIONS } from '../../../main/api/api-server.ts';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { freePort } from '../../support/free-port.ts';
import { callLocalApi } from '../../support/local-api.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * The local API keeps serving its user while another local user misbehaves: connections that
 * trickle their headers, floods past the connection cap, duplicate headers; and clients that are
 * not browsers (Node's own fetch) are not taken for one.
 */
let t: DesktopFixture;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);

type Target = { path: string } | { port: number };

/** A connection that sends a request line, then one header line a second, never finishing. */
function trickle(target: Target, stop: AbortSignal): void {
  if (stop.aborted) return;
  const socket: Socket = 'path' in target ? connect(target.path) : connect(target.port, '127.0.0.1');
  let timer: ReturnType<typeof setInterval> | undefined;
  socket.on('connect', () => {
    socket.write('GET /v1 HTTP/1.1\r\nHost: localhost\r\n');
    let line = 0;
    timer = setInterval(() => socket.write(`x-slow-${line++}: 1\r\n`), 1_000);
  });
  socket.on('error', () => undefined);
  // Cut off: come back at once, as a flood would.
  socket.on('close', () => {
    clearInterval(timer);
    setTimeout(() => trickle(target, stop), 50);
  });
  stop.addEventListener('abort', () => socket.destroy(), { once: true });
}

/** Floods the listener past its connection cap and asks for a token through it all. */
async function ownerDuringFlood(target: Target, ask: () => Promise<number>) {
  const stop = new AbortController();
  for (let i = 0; i < MAX_CONNECTIONS + 10; i++) trickle(target, stop.signal);
  // Long enough for the flood to fill the cap and for Node's own 30-second sweep not to help.
  const until = Date.now() + 8_000;
  const statuses: (number | string)[] = [];
  try {
    await new Promise((resolve) => setTimeout(resolve, 500));
    while (Date.now() < until) {
      statuses.push(
        await Promise.race([
          ask().catch((error: NodeJS.ErrnoException) => error.code ?? 'error'),
          new Promise<string>((resolve) => setTimeout(() => resolve('no answer in 10 s'), 10_000)),
        ]),
      );
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    stop.abort();
  }
  return statuses;
}

describe('the local API beside a hostile neighbour', () => {
  it('answers its owner on the socket while 138 connections trickle their headers', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    const statuses = await ownerDuringFlood({ path: t.apiLocation.endpoint }, async () => {
      const answer = await callLocalApi(t.apiLocation, '/v1/profiles/ernie/token?format=raw', { secret: true });
      return answer.status;
    });
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }, 60_000);

  it('answers its owner on TCP through the same flood, and Node’s own fetch is not a browser', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    const port = await freePort();
    await t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port });
    const secret = readFileSync(t.apiLocation.secretFile, 'utf8').trim();
    // fetch() sends sec-fetch-mode: cors on every request, as the openai SDK and most Node clients do.
    const ask = async () => {
      const answer = await fetch(`http://127.0.0.1:${port}/v1/profiles/ernie/token?format=raw`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      await answer.text();
      return answer.status;
    };
    expect(await ask()).toBe(200);
    const statuses = await ownerDuringFlood({ port }, ask);
    expect(statuses.length).toBeGreaterThanOrEqual(5);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  }, 60_000);

  it('answers 400 to a request with two Host headers (or two of any header the guard reads)', async () => {
    await t.fx.service.addProfile(t.fx.baiduInput());
    const secret = readFileSync(t.apiLocation.secretFile, 'utf8').trim();
    const raw = (headers: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(t.apiLocation.endpoint);
        let answer = '';
        socket.on('data', (chunk) => {
          answer += String(chunk);
        });
        socket.on('end', () => resolve(answer));
        socket.on('error', reject);
        socket.write(`GET /v1/profiles/ernie/token?format=raw HTTP/1.1\r\n${headers}Connection: close\r\n\r\n`);
      });
    const auth = `Authorization: Bearer ${secret}\r\n`;
    expect(await raw(`Host: localhost\r\n${auth}`)).toMatch(/^HTTP\/1\.1 200/);
    expect(await raw(`Host: localhost\r\nHost: evil.com\r\n${auth}`)).toMatch(/^HTTP\/1\.1 400/);
    expect(await raw(`Host: localhost\r\n${auth}${auth}`)).toMatch(/^HTTP\/1\.1 400/);
    const twice = await raw(`Host: localhost\r\nOrigin: null\r\nOrigin: null\r\n${auth}`);
    expect(twice).toMatch(/^HTTP\/1\.1 400/);
    expect(twice).not.toContain(t.fx.server.issued[0] ?? 'no token');
  });
});
