import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PrivateCa {
  /** The authority's certificate (PEM): what a company's IT installs. */
  caPem: string;
  /** A server certificate for localhost and 127.0.0.1 signed by it, and its key. */
  cert: string;
  key: string;
}

/**
 * A certificate authority nobody trusts, like a TLS-inspecting firewall's, and a loopback server
 * certificate it signed. Made with openssl on each call: nothing secret is checked in.
 */
export function makePrivateCa(): PrivateCa {
  const dir = mkdtempSync(join(tmpdir(), 'tokentray-ca-'));
  const file = (name: string) => join(dir, name);
  const run = (args: string[]) => {
    const made = spawnSync('openssl', args, { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`openssl ${args[0]} failed: ${made.stderr}`);
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  try {
    writeFileSync(file('leaf.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    const caExtensions = ['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign'];
    const ca = ['-subj', '/CN=TokenTray Test Inspection CA', ...caExtensions];
    run(['req', '-x509', ...ec, '-days', '2', ...ca, '-keyout', file('ca.key'), '-out', file('ca.crt')]);
    run(['req', ...ec, '-subj', '/CN=localhost', '-keyout', file('leaf.key'), '-out', file('leaf.csr')]);
    const signer = ['-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial', '-extfile', file('leaf.ext')];
    run(['x509', '-req', '-in', file('leaf.csr'), ...signer, '-days', '2', '-out', file('leaf.crt')]);
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return { caPem: read('ca.crt'), cert: read('leaf.crt'), key: read('leaf.key') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
