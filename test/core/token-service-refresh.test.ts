import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BACKOFF_MAX_MS, DAY, MINUTE } from '../../main/core/refresh-policy.ts';
import { createEngineFixture, type EngineFixture } from '../support/engine-fixture.ts';

let fx: EngineFixture;
beforeEach(async () => {
  fx = await createEngineFixture({ baiduLifetimeSeconds: 7200 });
});
afterEach(async () => {
  await fx.dispose();
});

async function addWithToken() {
  const { id } = await fx.service.addProfile(fx.baiduInput());
  await fx.service.refresh(id);
  return id;
}

describe('refreshing', () => {
  it('shares one request between refreshes asked for at the same time', async () => {
    fx.server.behave({ type: 'delay', ms: 50 });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    const views = await Promise.all([fx.service.refresh(id), fx.service.refresh(id), fx.service.getToken(id)]);
    expect(fx.server.requests).toHaveLength(1);
    expect(views[2]).toBe(fx.server.issued[0]);
  });

  it('refreshes inside the window before expiry, on the next due check and not before', async () => {
    const id = await addWithToken();
    // 2-hour token: margin max(5 min, 12 min) = 12 min, so due at 1 h 48 min.
    fx.advance(107 * MINUTE);
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(1);
    expect(fx.service.getProfile(id)?.status).toBe('valid');
    fx.advance(1 * MINUTE);
    expect(fx.service.getProfile(id)?.status).toBe('expiring');
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(2);
    expect(fx.service.getProfile(id)).toMatchObject({ status: 'valid', expiresAt: fx.now() + 2 * 3600_000 });
  });

  it('catches up after the computer slept past expiry', async () => {
    const id = await addWithToken();
    fx.advance(5 * DAY);
    expect(fx.service.getProfile(id)?.status).toBe('expired');
    await fx.service.checkDue();
    expect(fx.service.getProfile(id)?.status).toBe('valid');
  });

  it('honours a per-profile refresh margin, until it is cleared', async () => {
    const { id } = await fx.service.addProfile(fx.baiduInput({ refreshMarginMs: 60 * MINUTE }));
    const view = await fx.service.refresh(id);
    expect(view.nextRefreshAt).toBe(fx.now() + 60 * MINUTE);
    const cleared = await fx.service.updateProfile(id, { refreshMarginMs: null });
    expect(cleared.refreshMarginMs).toBeUndefined();
    expect(cleared.nextRefreshAt).toBe(fx.now() + 108 * MINUTE);
  });

  it("uses the user's default margin for profiles without their own", async () => {
    let defaultMargin: number | undefined = 30 * MINUTE;
    const service = await fx.restart({ defaultRefreshMarginMs: () => defaultMargin });
    const { id } = await service.addProfile(fx.baiduInput());
    const own = await service.addProfile(fx.baiduInput({ name: 'own', refreshMarginMs: 5 * MINUTE }));
    await Promise.all([service.refresh(id), service.refresh(own.id)]);
    expect(service.getProfile(id)?.nextRefreshAt).toBe(fx.now() + 90 * MINUTE);
    expect(service.getProfile(id)?.refreshMarginMs).toBeUndefined();
    expect(service.getProfile(own.id)?.nextRefreshAt).toBe(fx.now() + 115 * MINUTE);
    defaultMargin = undefined;
    expect(service.getProfile(id)?.nextRefreshAt).toBe(fx.now() + 108 * MINUTE);
  });

  it('refreshes at fixed cron times as well as before expiry', async () => {
    await fx.dispose();
    fx = await createEngineFixture();
    const { id } = await fx.service.addProfile(fx.baiduInput({ cron: '0 */6 * * *' }));
    const view = await fx.service.refresh(id);
    const sixHours = 6 * 3600_000;
    expect(view.nextRefreshAt).toBe(Math.floor(fx.now() / sixHours) * sixHours + sixHours);
  });

  it('keeps serving the old token while a refresh fails, and backs off 30 s, 1 min, 2 min…', async () => {
    const id = await addWithToken();
    const token = fx.server.issued[0];
    fx.advance(110 * MINUTE);
    fx.server.behave({ type: 'html', status: 503 });
    await fx.service.checkDue();
    let view = fx.service.getProfile(id);
    expect(view).toMatchObject({
      status: 'expiring',
      consecutiveFailures: 1,
      error: { code: 'server_error', retryable: true, httpStatus: 503 },
    });
    expect(view?.nextRefreshAt).toBe(fx.now() + 30_000);
    expect(await fx.service.getToken(id)).toBe(token);

    fx.advance(29_000);
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(2);
    fx.advance(1_000);
    await fx.service.checkDue();
    view = fx.service.getProfile(id);
    expect(view?.consecutiveFailures).toBe(2);
    expect(view?.nextRefreshAt).toBe(fx.now() + 60_000);

    fx.advance(60_000);
    await fx.service.checkDue();
    expect(fx.service.getProfile(id)?.nextRefreshAt).toBe(fx.now() + 120_000);
  });

  it('never waits more than 30 minutes between retries', async () => {
    const id = await addWithToken();
    fx.server.behave({ type: 'reset' });
    for (let i = 0; i < 12; i++) await fx.service.refresh(id);
    const view = fx.service.getProfile(id);
    expect(view?.error?.code).toBe('network_error');
    expect(view?.nextRefreshAt).toBe(fx.now() + BACKOFF_MAX_MS);
  });

  it('reports recovery: the error clears and the failure count resets', async () => {
    const id = await addWithToken();
    fx.server.queue({ type: 'reset' }, { type: 'reset' });
    await fx.service.refresh(id);
    await fx.service.refresh(id);
    const view = await fx.service.refresh(id);
    expect(view).toMatchObject({ status: 'valid', consecutiveFailures: 0 });
    expect(view.error).toBeUndefined();
    expect(fx.logs.some((line) => line.includes('token refreshed after failures'))).toBe(true);
  });

  it('waits for the user after a failure retrying cannot fix, but a manual refresh still tries', async () => {
    const id = await addWithToken();
    fx.server.behave({ type: 'error', error: 'invalid_grant', status: 400 });
    await fx.service.refresh(id);
    const view = fx.service.getProfile(id);
    expect(view).toMatchObject({ error: { code: 'not_permitted', retryable: false }, status: 'valid' });
    expect(view?.nextRefreshAt).toBeUndefined();
    fx.advance(DAY);
    await fx.service.checkDue();
    expect(fx.server.requests).toHaveLength(2);
    fx.server.behave({ type: 'ok' });
    expect((await fx.service.refresh(id)).error).toBeUndefined();
  });

  it('ignores backoff when the user refreshes by hand', async () => {
    const id = await addWithToken();
    fx.server.queue({ type: 'reset' });
    await fx.service.refresh(id);
    expect(fx.service.getProfile(id)?.nextRefreshAt).toBeGreaterThan(fx.now());
    const view = await fx.service.refresh(id);
    expect(view.error).toBeUndefined();
    expect(fx.server.requests).toHaveLength(3);
  });

  it('waits as long as a rate-limited server asks with Retry-After', async () => {
    const id = await addWithToken();
    fx.server.queue({ type: 'raw', status: 429, body: 'slow down', headers: { 'retry-after': '600' } });
    const view = await fx.service.refresh(id);
    expect(view.error).toMatchObject({ code: 'rate_limited', retryAfterMs: 600_000 });
    expect(view.nextRefreshAt).toBe(fx.now() + 600_000);
  });

  it('gives out only tokens with at least a minute left, refreshing first otherwise', async () => {
    const id = await addWithToken();
    fx.advance(2 * 3600_000 - 59_000);
    expect(await fx.service.getToken(id)).toBe(fx.server.issued[1]);
    expect(fx.server.requests).toHaveLength(2);
  });

  it('returns no token when none can be had', async () => {
    const id = await addWithToken();
    fx.advance(2 * 3600_000);
    fx.server.behave({ type: 'reset' });
    expect(await fx.service.getToken(id)).toBeUndefined();
  });

  it('never has more than the allowed number of requests in flight', async () => {
    // Six profiles with valid tokens first, so what follows is exactly six refreshes however slow
    // the machine is (an add's first fetch could otherwise finish before its refresh is asked).
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await fx.service.addProfile(fx.baiduInput({ name: `p${i}` }))).id);
    await Promise.all(ids.map((id) => fx.service.refresh(id)));
    const service = await fx.restart({ maxConcurrentRequests: 2 });
    const before = fx.server.issued.length;
    let active = 0;
    let peak = 0;
    fx.server.behave({ type: 'delay', ms: 40 });
    service.onChange(() => undefined);
    const watch = setInterval(() => {
      active = fx.server.requests.length - fx.server.issued.length;
      peak = Math.max(peak, active);
    }, 5);
    await Promise.all(ids.map((id) => service.refresh(id)));
    clearInterval(watch);
    expect(fx.server.issued.length - before).toBe(6);
    expect(peak).toBeLessThanOrEqual(2);
    expect(peak).toBeGreaterThan(0);
  });

  it('caps requests per token host, so profiles on different hosts refresh side by side', async () => {
    await fx.service.close();
    const service = await fx.restart({ maxConcurrentRequests: 2 });
    fx.server.behave({ type: 'delay', ms: 60 });
    const other = fx.server.baiduUrl.replace('127.0.0.1', 'localhost');
    const ids = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await service.addProfile(fx.baiduInput({ name: `a${i}` }))).id);
      ids.push((await service.addProfile(fx.baiduInput({ name: `b${i}`, tokenUrl: other }))).id);
    }
    let peak = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, fx.server.requests.length - fx.server.issued.length);
    }, 5);
    await Promise.all(ids.map((id) => service.refresh(id)));
    clearInterval(watch);
    // Two hosts, two each: four at once, never more.
    expect(peak).toBeGreaterThan(2);
    expect(peak).toBeLessThanOrEqual(4);
    const hosts = new Set(fx.server.requests.map((request) => request.headers.host?.split(':')[0]));
    expect(hosts).toEqual(new Set(['127.0.0.1', 'localhost']));
  });
});
