import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/index.ts';
import { type FakeTokenServer, startFakeTokenServer } from '../support/fake-token-server.ts';

const SECRET = 'very-secret-value-42';
let server: FakeTokenServer;
const send = createHttpClient({ timeoutMs: 300 });
const post = (url: string) => send({ method: 'POST', url, form: { client_secret: SECRET } });

beforeEach(async () => {
  server = await startFakeTokenServer();
});
afterEach(async () => {
  await server.close();
});

describe('HTTP to token endpoints', () => {
  it('parses a JSON body whatever the status', async () => {
    server.queue({ type: 'error', error: 'invalid_client', status: 401 });
    const outcome = await post(server.oauthUrl);
    expect(outcome).toMatchObject({ ok: true, response: { status: 401, json: { error: 'invalid_client' } } });
  });

  it('gives up on a server that never answers, as a timeout', async () => {
    server.behave({ type: 'hang' });
    const outcome = await post(server.oauthUrl);
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'timeout', retryable: true } });
  });

  it('never follows a redirect, so the keys never reach the other host', async () => {
    const elsewhere = await startFakeTokenServer();
    server.behave({ type: 'redirect', location: elsewhere.oauthUrl, status: 307 });
    const outcome = await post(server.oauthUrl);
    expect(outcome).toMatchObject({ ok: true, response: { status: 307 } });
    expect(elsewhere.requests).toHaveLength(0);
    await elsewhere.close();
  });

  it('stops reading a response over 1 MiB', async () => {
    server.behave({ type: 'oversized', bytes: 3 * 1024 * 1024 });
    const outcome = await post(server.oauthUrl);
    expect(outcome).toMatchObject({
      ok: false,
      failure: { code: 'bad_response', messageKey: 'bad_response_too_large', retryable: false },
    });
  });

  it('hands over non-JSON bodies as having no JSON', async () => {
    server.behave({ type: 'malformed' });
    expect(await post(server.oauthUrl)).toMatchObject({ ok: true, response: { status: 200, json: undefined } });
    server.behave({ type: 'html' });
    expect(await post(server.oauthUrl)).toMatchObject({ ok: true, response: { status: 200, json: undefined } });
  });

  it('reports a reset connection and a closed port as network errors, without the URL or body', async () => {
    server.behave({ type: 'reset' });
    const reset = await post(`${server.oauthUrl}?client_secret=${SECRET}`);
    expect(reset).toMatchObject({ ok: false, failure: { code: 'network_error', retryable: true } });
    expect(JSON.stringify(reset)).not.toContain(SECRET);

    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
    });
    const refused = await post(`http://127.0.0.1:${port}/token?client_secret=${SECRET}`);
    expect(refused).toMatchObject({ ok: false, failure: { code: 'network_error', providerCode: 'ECONNREFUSED' } });
    expect(JSON.stringify(refused)).not.toContain(SECRET);
  });

  it('reports an unknown host as a DNS problem', async () => {
    const outcome = await post('http://tokentray-test.invalid/token');
    expect(outcome).toMatchObject({ ok: false, failure: { code: 'network_error', messageKey: 'network_dns' } });
  });
});
