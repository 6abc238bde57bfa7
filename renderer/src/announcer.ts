import type { Translator } from '../../main/contract/i18n.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { type Badge, badgeOf, problemOf } from './view-model.ts';

/** What a profile looked like when last announced. */
interface Seen {
  badge: Badge;
  failure: string | undefined;
}
export type Memory = Map<string, Seen>;

/**
 * What a screen reader should hear about profile changes, once per change: a failure (with its
 * message), a recovery, a token that became expired or is about to. Refreshing in between is not
 * a change; the first sight of a profile is not announced.
 */
export function announce(memory: Memory, views: readonly ProfileView[], tr: Translator): string[] {
  const said: string[] = [];
  const present = new Set<string>();
  for (const view of views) {
    present.add(view.id);
    const badge = badgeOf(view);
    if (badge === 'refreshing') continue;
    const failure = view.error ? `${view.error.code}/${view.error.messageKey}` : undefined;
    const before = memory.get(view.id);
    memory.set(view.id, { badge, failure });
    if (!before) continue;
    if (failure && failure !== before.failure) {
      said.push(tr.t('ui.announce_failed', { name: view.name, problem: problemOf(view, tr)?.message ?? '' }));
    } else if (!failure && before.failure) {
      said.push(tr.t('ui.announce_recovered', { name: view.name, state: tr.t(`ui.badge_${badge}`) }));
    } else if (badge !== before.badge && (badge === 'expired' || badge === 'expiring')) {
      said.push(tr.t('ui.announce_state', { name: view.name, state: tr.t(`ui.badge_${badge}`) }));
    }
  }
  for (const id of memory.keys()) if (!present.has(id)) memory.delete(id);
  return said;
}
