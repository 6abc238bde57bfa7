/**
 * `tokentray-server --config <file>`: TokenTray's engine as a long-running service (see
 * run-server.ts). Built to dist/server/tokentray-server.mjs, the package's second `bin`.
 */
// First: a Node.js too old for the rest says so before anything else runs.
import './node-version.ts';
import { parseArgs } from 'node:util';
import pkg from '../../package.json' with { type: 'json' };
import { createTranslator, environmentLocale } from '../contract/i18n.ts';
import { ConfigError } from './config.ts';
import { startServer } from './run-server.ts';

const HELP = `Usage: tokentray-server --config <file.yaml|file.json> [--check]
       tokentray-server                 (a quick start: ./.tokentray-server/server.yaml, made if missing)
       tokentray-server --new-team-key

Keeps the tokens of the profiles in the configuration fresh and serves them on the /v1 API
(the same as the desktop app's; the tokentray CLI reaches it with --url), plus /healthz and
/metrics, and the gateway (/gw/<profile>/…). SIGHUP re-reads the gateway's clients.
--check validates the configuration and its secrets, then exits. --new-team-key prints
a fresh team key (give it to every member out of band; desktops paste it in Settings → Team).

Exit codes: 0 ok (and after SIGTERM), 2 it cannot start as configured (the configuration,
a secret it names, or a Node.js older than 22.12), 1 anything else.`;

const { values } = parseArgs({
  options: {
    config: { type: 'string', short: 'c' },
    check: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'v' },
    'new-team-key': { type: 'boolean' },
  },
  strict: true,
});
if (values.help || values.version) {
  process.stdout.write(`${values.version ? pkg.version : HELP}\n`);
  process.exit(0);
}
if (values['new-team-key']) {
  const { newTeamKey } = await import('../core/index.ts');
  process.stdout.write(`${newTeamKey()}\n`);
  process.exit(0);
}
// Without --config: the quick-start configuration in this folder (made on first use).
const quickStart = values.config ? undefined : await (await import('./quick-start.ts')).quickStartConfig(process.cwd());
const configFile = values.config ?? quickStart?.file ?? '';

// Configuration problems in the language of the environment (LANG=zh_CN.UTF-8), as the CLI does.
const tr = createTranslator(environmentLocale(process.env));
try {
  if (values.check) {
    const { checkServerConfig } = await import('./config.ts');
    await checkServerConfig(configFile, process.env, tr);
    process.stdout.write(`${configFile}: OK\n`);
    process.exit(0);
  }
  const server = await startServer({ configFile: configFile, env: process.env, version: pkg.version, tr });
  const stop = () => {
    void server.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  if (quickStart) {
    const { quickStartText } = await import('./quick-start.ts');
    const text = quickStartText(
      { cwd: process.cwd(), ...quickStart, url: server.url, secretFile: server.location.secretFile },
      server.service.listProfiles(),
      tr,
    );
    process.stderr.write(text);
  }
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // Re-reads the gateway's clients: removing one from the file and sending SIGHUP revokes it.
  process.on('SIGHUP', () => void server.reloadClients());
} catch (error) {
  if (error instanceof ConfigError) {
    process.stderr.write(`tokentray-server: ${tr.t('server.cannot_be_used')} ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`tokentray-server: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
