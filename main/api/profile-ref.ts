import type { ProfileName, ProfileView, TokenService } from '../core/index.ts';

export type Resolved =
  | { ok: true; view: ProfileView }
  | { ok: false; error: 'unknown_profile' }
  | { ok: false; error: 'ambiguous_profile'; candidates: string[] };

/** What resolving needs of the engine: one view by id, and every id and name (never every view). */
export type ProfileDirectory = Pick<TokenService, 'getProfile' | 'listProfileNames'>;

interface NameIndex {
  exact: Map<string, ProfileName[]>;
  folded: Map<string, ProfileName[]>;
}

/** One index per list of names: the engine hands out the same list until a profile is added, renamed or removed. */
const indexes = new WeakMap<readonly ProfileName[], NameIndex>();

function indexOf(names: readonly ProfileName[]): NameIndex {
  let index = indexes.get(names);
  if (!index) {
    index = { exact: new Map(), folded: new Map() };
    for (const entry of names) {
      for (const [map, key] of [
        [index.exact, entry.name],
        [index.folded, entry.name.toLowerCase()],
      ] as const) {
        const same = map.get(key);
        if (same) same.push(entry);
        else map.set(key, [entry]);
      }
    }
    indexes.set(names, index);
  }
  return index;
}

/**
 * A profile named as a person names it: its id, its exact name, its name in any case, or the
 * start of its name when only one name starts that way. Two profiles that answer equally well are
 * ambiguous: the caller is shown both rather than handed either. Names are looked up in an index
 * and only the profile found is drawn as a view, so a request costs the same at ten profiles and at
 * ten thousand (a start of a name is the one case that reads every name).
 */
export function resolveProfile(directory: ProfileDirectory, ref: string): Resolved {
  const byId = directory.getProfile(ref);
  if (byId) return { ok: true, view: byId };
  const names = directory.listProfileNames();
  const index = indexOf(names);
  const lower = ref.toLowerCase();
  const tiers = [
    () => index.exact.get(ref) ?? [],
    () => index.folded.get(lower) ?? [],
    () => (lower === '' ? [] : names.filter((entry) => entry.name.toLowerCase().startsWith(lower))),
  ];
  for (const tier of tiers) {
    const found = tier();
    const only = found.length === 1 ? found[0] : undefined;
    const view = only && directory.getProfile(only.id);
    if (view) return { ok: true, view };
    if (found.length > 1) {
      return { ok: false, error: 'ambiguous_profile', candidates: found.map((entry) => `${entry.name} (${entry.id})`) };
    }
  }
  return { ok: false, error: 'unknown_profile' };
}
