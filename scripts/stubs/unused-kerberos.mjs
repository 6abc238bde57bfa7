// https-proxy-agent offers Negotiate (Kerberos/SPNEGO) proxy authentication through the optional
// native `kerberos` package. TokenTray never turns it on (Basic credentials in the proxy URL
// only), so the bundle carries this stand-in; it throws at once should it ever be reached.
export function initializeClient() {
  throw new Error('Negotiate proxy authentication is not bundled (scripts/stubs/unused-kerberos.mjs)');
}
export const GSS_MECH_OID_SPNEGO = 'spnego';
export default { initializeClient, GSS_MECH_OID_SPNEGO };
