import type { Translator } from '../../main/contract/i18n.ts';
import type { ProfileView } from '../../main/contract/views.ts';
import { type Badge, badgeOf } from './view-model.ts';

/** Search and sort appear once the list is longer than this. */
export const SEARCH_FROM = 6;

export const SORTS = ['expiry', 'name', 'state'] as const;
export type Sort = (typeof SORTS)[number];

/** Most urgent first: what needs the user's eyes comes to the top when sorting by state. */
const STATE_ORDER: Record<Badge, number> = { failed: 0, expired: 1, expiring: 2, refreshing: 3, none: 4, valid: 5 };

/**
 * The profiles that match a search (name, provider name or id, state word, in either case and
 * language), in the chosen order. Names compare the way the user's language sorts them.
 */
export function filterProfiles(
  views: readonly ProfileView[],
  query: string,
  sort: Sort,
  tr: Translator,
): ProfileView[] {
  const words = query.trim().toLocaleLowerCase(tr.locale).split(/\s+/).filter(Boolean);
  const matched =
    words.length === 0
      ? [...views]
      : views.filter((view) => {
          const badge = badgeOf(view);
          const haystack = [
            view.name,
            view.provider,
            tr.provider(view.provider, 'name'),
            badge,
            tr.t(`ui.badge_${badge}`),
          ]
            .join(' ')
            .toLocaleLowerCase(tr.locale);
          return words.every((word) => haystack.includes(word));
        });
  // Made on the first comparison by name: a collator costs ~10 ms of ICU set-up, and sorting by
  // expiry rarely needs one.
  const byName = (a: ProfileView, b: ProfileView) => collatorFor(tr.locale).compare(a.name, b.name);
  if (sort === 'name') return matched.sort(byName);
  if (sort === 'state') {
    return matched.sort((a, b) => STATE_ORDER[badgeOf(a)] - STATE_ORDER[badgeOf(b)] || byName(a, b));
  }
  // Soonest expiry first; tokens without a known expiry after those with one.
  const expiry = (view: ProfileView) => view.expiresAt ?? Number.MAX_SAFE_INTEGER;
  return matched.sort((a, b) => expiry(a) - expiry(b) || byName(a, b));
}

/** Collators are costly to make (ICU data): one per language, kept. */
const collators = new Map<string, Intl.Collator>();
function collatorFor(locale: string): Intl.Collator {
  let collator = collators.get(locale);
  if (!collator) {
    collator = new Intl.Collator(locale, { numeric: true, sensitivity: 'base' });
    collators.set(locale, collator);
  }
  return collator;
}
