// conf (under electron-store) validates a store against a JSON schema with ajv only when it is
// given one. TokenTray never passes a schema (its own zod checks run on what it reads), so the
// bundle carries this stand-in instead of ajv and ajv-formats: 300 KB and about 15 ms of start-up.
// If a future change passes a schema, this throws at once instead of silently skipping validation.
const unused = () => {
  throw new Error('ajv is not bundled: TokenTray does not give conf a schema (see scripts/stubs/unused-ajv.mjs)');
};
export class Ajv2020 {
  constructor() {
    unused();
  }
}
export default { default: unused };
