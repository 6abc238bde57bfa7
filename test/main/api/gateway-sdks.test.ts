import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DesktopFixture } from '../../support/desktop-fixture.ts';
import { type FakeApi, json, startFakeApi } from '../../support/fake-api-upstream.ts';
import { freePort } from '../../support/free-port.ts';
import { useStartedDesktop } from '../../support/started-desktop.ts';

/**
 * SDKs nobody here wrote, through the gateway: the official `openai` npm SDK (which sends
 * `sec-fetch-mode: cors` on every request, like anything built on Node's fetch) with its base URL
 * set to a Baidu IAM profile's gateway, against a fake Qianfan v2 chat/completions on loopback.
 */
let t: DesktopFixture;
let qianfan: FakeApi;
useStartedDesktop(
  (fixture) => {
    t = fixture;
  },
  () => t,
);
beforeEach(async () => {
  qianfan = await startFakeApi();
  qianfan.answer((request, response) => {
    const body = JSON.parse(request.body.toString() || '{}') as { stream?: boolean; model?: string };
    if (request.headers.authorization !== `Bearer ${t.fx.server.issued.at(-1)}`) {
      json(response, 401, { error: { code: 'invalid_iam_token', message: 'IAM token invalid' } });
      return;
    }
    if (!body.stream) {
      json(response, 200, {
        id: 'as-1',
        object: 'chat.completion',
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: '你好！' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 },
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const piece of ['你', '好', '！']) {
      const chunk = { id: 'as-2', object: 'chat.completion.chunk', created: 1, model: body.model };
      response.write(`data: ${JSON.stringify({ ...chunk, choices: [{ index: 0, delta: { content: piece } }] })}\n\n`);
    }
    response.end('data: [DONE]\n\n');
  });
});
afterEach(async () => {
  await qianfan.close();
});

async function openaiThroughGateway() {
  const port = await freePort();
  await t.desktop.handlers['settings:set']({ apiTcpEnabled: true, apiTcpPort: port });
  const view = await t.fx.service.addProfile({
    name: 'Qianfan v2',
    provider: 'baidu-iam',
    apiKey: 'test-api-key-0001',
    secretKey: 'test-secret-key-0001',
    tokenUrl: t.fx.server.iamUrl,
    options: { apiOrigins: qianfan.origin },
  });
  await t.fx.service.getToken(view.id);
  const apiKey = readFileSync(t.apiLocation.secretFile, 'utf8').trim();
  return new OpenAI({ baseURL: `http://127.0.0.1:${port}/gw/qianfan%20v2/v2`, apiKey, maxRetries: 0 });
}

describe('the openai SDK through the gateway', () => {
  it('gets a chat completion with a Baidu IAM token it never held', async () => {
    const client = await openaiThroughGateway();
    const completion = await client.chat.completions.create({
      model: 'ernie-4.0-8k',
      messages: [{ role: 'user', content: '你好' }],
    });
    expect(completion.choices[0]?.message.content).toBe('你好！');
    expect(qianfan.requests[0]?.url).toBe('/v2/chat/completions');
    expect(qianfan.requests[0]?.headers.authorization).toMatch(/^Bearer /);
    expect(JSON.stringify(qianfan.requests)).not.toContain(readFileSync(t.apiLocation.secretFile, 'utf8').trim());
  });

  it('streams a chat completion piece by piece', async () => {
    const client = await openaiThroughGateway();
    const stream = await client.chat.completions.create({
      model: 'ernie-4.0-8k',
      messages: [{ role: 'user', content: '你好' }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) pieces.push(chunk.choices[0]?.delta.content ?? '');
    expect(pieces.join('')).toBe('你好！');
  });

  it('recovers when Qianfan refuses the token: one refresh, and the SDK never sees the 401', async () => {
    const client = await openaiThroughGateway();
    // The token server issues a new token; the API still expects the old one to have been replaced.
    let refused = false;
    qianfan.answer((request, response) => {
      if (!refused) {
        refused = true;
        json(response, 401, { error: { code: 'invalid_iam_token', message: 'IAM token invalid' } });
        return;
      }
      json(response, 200, {
        id: 'as-3',
        object: 'chat.completion',
        created: 1,
        model: 'm',
        choices: [
          { index: 0, message: { role: 'assistant', content: request.headers.authorization }, finish_reason: 'stop' },
        ],
      });
    });
    const before = t.fx.server.issued.length;
    const completion = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'x' }] });
    expect(t.fx.server.issued.length).toBe(before + 1);
    expect(completion.choices[0]?.message.content).toBe(`Bearer ${t.fx.server.issued.at(-1)}`);
  });
});
