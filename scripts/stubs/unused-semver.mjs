// conf (under electron-store) compares versions with semver only to run migrations, and
// TokenTray gives it none (the store's schema version is its own: main/core/profile-store.ts).
// The bundle carries this stand-in instead; it throws at once should a migration ever be added.
const unused = () => {
  throw new Error('semver is not bundled: TokenTray gives conf no migrations (see scripts/stubs/unused-semver.mjs)');
};
export default { valid: unused, gt: unused, minVersion: unused, satisfies: unused, compare: unused, Range: unused };
