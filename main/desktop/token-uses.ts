import type { TokenUse } from '../contract/ipc.ts';

/** How many uses are kept per profile: enough to see who has been asking lately. */
export const USES_KEPT = 20;
/** The window hears about new uses at most this often (an API client may ask hundreds of times a second). */
export const USES_NOTIFY_MS = 1_000;

/**
 * Who took each profile's token and when: the tray, the window, the CLI or another API client.
 * Never the token. Kept in memory: it answers "who is using this?", not an audit trail, and a
 * write per use would put a disk write behind every API request.
 */
export function createTokenUses(options: {
  now(): number;
  onChange(uses: Record<string, TokenUse[]>): void;
  notifyMs?: number;
}) {
  const byProfile = new Map<string, TokenUse[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  function snapshot(): Record<string, TokenUse[]> {
    return Object.fromEntries([...byProfile].map(([id, uses]) => [id, [...uses]]));
  }

  function schedule(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      options.onChange(snapshot());
    }, options.notifyMs ?? USES_NOTIFY_MS);
    timer.unref?.();
  }

  return {
    record(profileId: string, via: TokenUse['via'], client: string, call?: TokenUse['call']): void {
      const uses = byProfile.get(profileId) ?? [];
      uses.unshift({ at: options.now(), via, client: cleanClient(client), ...(call ? { call } : {}) });
      if (uses.length > USES_KEPT) uses.length = USES_KEPT;
      byProfile.set(profileId, uses);
      schedule();
    },
    /** A removed profile's uses go with it. */
    forget(liveIds: ReadonlySet<string>): void {
      let changed = false;
      for (const id of byProfile.keys()) {
        if (liveIds.has(id)) continue;
        byProfile.delete(id);
        changed = true;
      }
      if (changed) schedule();
    },
    all: snapshot,
    /** Profiles by their latest use, most recent first. */
    recentIds(): string[] {
      return [...byProfile]
        .filter(([, uses]) => uses.length > 0)
        .sort(([, a], [, b]) => (b[0]?.at ?? 0) - (a[0]?.at ?? 0))
        .map(([id]) => id);
    },
    stop(): void {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** A client's self-description (a User-Agent) as a short, printable label. */
export function cleanClient(text: string): string {
  const clean = text
    .replace(/[\p{Cc}\p{Cf}]+/gu, ' ')
    .trim()
    .slice(0, 60);
  return clean === '' ? 'unknown' : clean;
}
