import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenUse } from '../../main/contract/ipc.ts';
import { apiLocation } from '../../main/contract/local-api.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { type FakeApi, json, startFakeApi } from '../support/fake-api-upstream.ts';
import type { FakeTokenServer } from '../support/fake-token-server.ts';
import { useBootBed } from '../support/headless/boot-bed.ts';
import { answerOf, type BootedApp, type BootOptions, bootApp, testProfile } from '../support/headless/boot-harness.ts';
import { callLocalApi } from '../support/local-api.ts';

/**
 * The gateway in the built app (dist/main under the stand-in electron): a profile made through
 * the window's preload API, a program calling the provider through the app's socket with the
 * app's secret, the token put in by the app, a refused token recovered, the call in Recent uses.
 */
let server: FakeTokenServer;
let options: BootOptions;
let app: BootedApp;
let api: FakeApi;
useBootBed(
  'tokentray-gw-boot-',
  (bed) => {
    ({ server, options } = bed);
  },
  () => app,
);
beforeAll(async () => {
  api = await startFakeApi();
});
afterAll(async () => {
  await api?.close();
});

describe('the gateway in the built app', () => {
  it('calls the provider with the app’s token, recovers a refused one, and shows the call', async () => {
    app = await bootApp(options);
    await app.until((s) => expect(s.windows[0]?.exposed).toEqual(['tokentray']));
    await answerOf(
      app.api('addProfile', {
        ...testProfile('ERNIE dev', 'baidu', server.baiduUrl),
        options: { apiOrigins: api.origin },
      }),
    );
    await expect.poll(() => server.issued.length).toBe(1);
    const first = server.issued[0];
    api.answer((request, response) => {
      const token = new URL(request.url, api.origin).searchParams.get('access_token');
      if (token === first) json(response, 200, { error_code: 111, error_msg: 'Access token expired' });
      else json(response, 200, { result: '你好', token_seen: token === server.issued.at(-1) });
    });
    const location = apiLocation(options.userData, process.platform);
    const answer = await callLocalApi(location, '/gw/ernie/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions', {
      method: 'POST',
      secret: true,
      headers: { 'user-agent': 'my-script/1.0', 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: '你好' }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.json()).toEqual({ result: '你好', token_seen: true });
    expect(server.issued).toHaveLength(2);
    expect(api.requests).toHaveLength(2);

    const [ernie] = await answerOf<ProfileView[]>(app.api('listProfiles'));
    await expect
      .poll(async () => (await answerOf<Record<string, TokenUse[]>>(app.api('tokenUses')))[ernie?.id ?? '']?.[0])
      .toMatchObject({
        via: 'gateway',
        client: 'my-script/1.0',
        call: { method: 'POST', path: '/rpc/2.0/ai_custom/v1/wenxinworkshop/chat/completions', status: 200 },
      });
    expect((await app.state()).violations).toEqual([]);
  });
});
