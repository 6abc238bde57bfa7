import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRefreshTick } from '../../main/core/index.ts';
import { DAY, MINUTE } from '../../main/core/refresh-policy.ts';
import { createEngineFixture, type EngineFixture } from '../support/engine-fixture.ts';

describe('the refresh tick', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      now: Date.UTC(2026, 10, 30, 1, 0, 0),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('asks for due refreshes every 30 seconds', async () => {
    const checkDue = vi.fn(async () => undefined);
    const tick = startRefreshTick({ checkDue });
    await tick.ready;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(checkDue).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(checkDue).toHaveBeenCalledTimes(11);
    await tick.stop();
    await vi.advanceTimersByTimeAsync(5 * MINUTE);
    expect(checkDue).toHaveBeenCalledTimes(11);
  });

  it('keeps ticking when a check fails', async () => {
    const errors: string[] = [];
    const checkDue = vi.fn(async () => {
      throw new Error('boom');
    });
    const tick = startRefreshTick({ checkDue }, { logger: { info() {}, warn() {}, error: (m) => errors.push(m) } });
    await tick.ready;
    await vi.advanceTimersByTimeAsync(90_000);
    expect(checkDue).toHaveBeenCalledTimes(3);
    expect(errors).toEqual(['due check failed', 'due check failed', 'due check failed']);
    await tick.stop();
  });
});

describe('the tick driving the real engine', () => {
  let fx: EngineFixture;
  afterEach(async () => {
    vi.useRealTimers();
    await fx.dispose();
  });

  it('refreshes a 30-day token three days before expiry when the tick resumes after a long sleep', async () => {
    fx = await createEngineFixture({}, { now: () => Date.now() });
    const { id } = await fx.service.addProfile(fx.baiduInput());
    await fx.service.refresh(id);
    const expiresAt = fx.service.getProfile(id)?.expiresAt ?? 0;

    // Only timers are faked: the HTTP to the fake server stays real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const tick = startRefreshTick(fx.service);
    await tick.ready;
    await vi.advanceTimersByTimeAsync(10 * MINUTE);
    expect(fx.server.requests).toHaveLength(1);

    await tick.pause();
    vi.setSystemTime(expiresAt - 3 * DAY + 1_000);
    await tick.resume();
    vi.useRealTimers();
    await vi.waitFor(() => expect(fx.server.requests).toHaveLength(2));
    await vi.waitFor(() => expect(fx.service.getProfile(id)?.expiresAt).toBeGreaterThan(expiresAt));
    await tick.stop();
  });
});
