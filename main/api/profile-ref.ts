import type { ProfileView } from '../core/index.ts';

export type Resolved =
  | { ok: true; view: ProfileView }
  | { ok: false; error: 'unknown_profile' }
  | { ok: false; error: 'ambiguous_profile'; candidates: string[] };

/**
 * A profile named as a person names it: its id, its exact name, its name in any case, or the
 * start of its name when only one name starts that way. Two profiles that answer equally well are
 * ambiguous: the caller is shown both rather than handed either.
 */
export function resolveProfile(views: readonly ProfileView[], ref: string): Resolved {
  const byId = views.find((view) => view.id === ref);
  if (byId) return { ok: true, view: byId };
  const lower = ref.toLowerCase();
  const tiers = [
    (view: ProfileView) => view.name === ref,
    (view: ProfileView) => view.name.toLowerCase() === lower,
    (view: ProfileView) => lower !== '' && view.name.toLowerCase().startsWith(lower),
  ];
  for (const matches of tiers) {
    const found = views.filter(matches);
    if (found.length === 1 && found[0]) return { ok: true, view: found[0] };
    if (found.length > 1) {
      return { ok: false, error: 'ambiguous_profile', candidates: found.map((view) => `${view.name} (${view.id})`) };
    }
  }
  return { ok: false, error: 'unknown_profile' };
}
