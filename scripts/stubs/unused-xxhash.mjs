// @redis/client loads @node-rs/xxhash (an optional native package) only for its `digest` helper,
// used by SET's IFDEQ/IFDNE conditions. TokenTray's team store compares generations in Lua instead,
// so the bundle carries this stand-in; it throws at once should digest ever be called.
export const xxh3 = {
  xxh64: () => {
    throw new Error(
      '@node-rs/xxhash is not bundled: TokenTray never uses Redis digests (scripts/stubs/unused-xxhash.mjs)',
    );
  },
};
export default { xxh3 };
