import { describeError, type Translator } from '../contract/i18n.ts';
import type { ProfileView } from '../core/index.ts';

export type Health = 'ok' | 'warning' | 'error';

/** ok: a good token; warning: expiring, retrying or not fetched yet; error: expired or stuck. */
export function profileHealth(view: ProfileView): Health {
  if (view.status === 'expired' || view.needsCredentials || (view.error && !view.error.retryable)) return 'error';
  if (view.status === 'expiring' || view.status === 'none' || view.error) return 'warning';
  return 'ok';
}

const RANK: Record<Health, number> = { ok: 0, warning: 1, error: 2 };

/** The tray icon shows the worst health across profiles; no profiles is fine. */
export function worstHealth(views: readonly ProfileView[]): Health {
  return views.reduce<Health>((worst, view) => {
    const health = profileHealth(view);
    return RANK[health] > RANK[worst] ? health : worst;
  }, 'ok');
}

/** One line a user reads at a glance: "Valid, expires in 29d 4h", "Refresh failed: keys rejected". */
export function statusLine(view: ProfileView, now: number, tr: Translator): string {
  if (view.needsCredentials) return tr.t('tray.status_needs_keys');
  if (view.refreshing && view.status === 'none') return tr.t('tray.status_refreshing');
  if (view.error) {
    return tr.t('tray.status_failed', { reason: describeError(view.error, tr).short });
  }
  const remaining = view.expiresAt === undefined ? '' : tr.duration(view.expiresAt - now);
  switch (view.status) {
    case 'none':
      return tr.t('tray.status_none');
    case 'expired':
      return tr.t('tray.status_expired', { ago: tr.duration(now - (view.expiresAt ?? now)) });
    case 'expiring':
      return tr.t('tray.status_expiring', { remaining });
    case 'valid':
      return view.expiresAt === undefined
        ? tr.t('tray.status_valid_unknown')
        : tr.t('tray.status_valid', { remaining });
  }
}

/** Windows truncates tray tooltips at 127 characters. */
const MAX_TOOLTIP = 127;

/** The tooltip names the profile that needs attention, or else the one that expires soonest. */
export function trayTooltip(
  views: readonly ProfileView[],
  now: number,
  tr: Translator,
  team?: { connection: string },
): string {
  let text: string;
  const troubled = views.find((view) => profileHealth(view) === 'error') ?? views.find((v) => v.error);
  if (views.length === 0) text = tr.t('tray.tooltip_none');
  else if (troubled) text = tr.t('tray.tooltip_attention', { name: troubled.name });
  else {
    const soonest = views
      .filter((view) => view.expiresAt !== undefined)
      .sort((a, b) => (a.expiresAt ?? 0) - (b.expiresAt ?? 0))[0];
    text = soonest
      ? tr.t('tray.tooltip_soonest', { name: soonest.name, remaining: tr.duration((soonest.expiresAt ?? now) - now) })
      : `TokenTray: ${statusLine(views[0] as ProfileView, now, tr)}`;
  }
  // Shared tokens are served from this computer meanwhile; the user should still know.
  if (team?.connection === 'unreachable') text = `${text} · ${tr.t('tray.tooltip_team_offline')}`;
  return text.length > MAX_TOOLTIP ? `${text.slice(0, MAX_TOOLTIP - 1)}…` : text;
}
