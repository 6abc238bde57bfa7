/**
 * Packages loaded on first use, and the names read from each. A bundled CommonJS package arrives
 * in a split chunk as a namespace with nothing but `default` (esbuild), while Node, running the
 * sources, also offers its named exports: so a name is read from either place, and a name found in
 * neither fails loudly here instead of as `undefined` three calls later. Every loader declares
 * the names it hands out, and the boot tests load every declared package from the built bundles
 * (`main/lazy-probe.ts`) and check each name.
 */
export interface LazyPackage {
  /** The package's name, as imported. */
  readonly name: string;
  /** The names the code reads from it. */
  readonly exports: readonly string[];
  /** Loads the package and checks every declared name. */
  check(): Promise<void>;
}

const declared: LazyPackage[] = [];

/** Every lazily loaded package declared so far (both layers register when their module loads). */
export function lazyPackages(): readonly LazyPackage[] {
  return declared;
}

/** Reads `key` from an imported namespace: its own named export, or the CommonJS exports behind `default`. */
function pick(namespace: Record<string, unknown>, key: string): unknown {
  if (key === 'default') return namespace.default;
  if (namespace[key] !== undefined) return namespace[key];
  const behind = namespace.default;
  return behind !== null && (typeof behind === 'object' || typeof behind === 'function')
    ? (behind as Record<string, unknown>)[key]
    : undefined;
}

/**
 * Declares a package loaded on first use; the returned function loads it once and resolves to the
 * declared names only (TypeScript refuses any other), each checked to be there.
 */
export function lazyPackage<M extends object, K extends keyof M & string>(
  name: string,
  load: () => Promise<M>,
  keys: readonly K[],
): () => Promise<Pick<M, K>> {
  let loading: Promise<Pick<M, K>> | undefined;
  const get = () => {
    loading ??= load().then((namespace) => {
      const picked = {} as Pick<M, K>;
      for (const key of keys) {
        const value = pick(namespace as Record<string, unknown>, key);
        if (value === undefined) throw new Error(`the package ${name} offers no '${key}' (bundling changed its shape)`);
        picked[key] = value as M[K];
      }
      return picked;
    });
    // A failed load (a file missing from a broken install) is tried again next time.
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };
  declared.push({ name, exports: keys, check: async () => void (await get()) });
  return get;
}
