/**
 * The first thing tokentray-server does: refuse a Node.js older than it needs, with a message
 * that says so (Debian's and Ubuntu's packaged `node` may be older), instead of a syntax or
 * missing-API error from deep inside. Imported first, so it runs before anything else.
 */
export const MINIMUM_NODE = '22.12.0';

/** The problem with running on `version`, or undefined when it is new enough. */
export function nodeVersionProblem(version: string, executable: string): string | undefined {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const [needMajor = 0, needMinor = 0] = MINIMUM_NODE.split('.').map(Number);
  if (major > needMajor || (major === needMajor && minor >= needMinor)) return undefined;
  return (
    `tokentray-server needs Node.js ${MINIMUM_NODE} or newer; ${executable} is ${version}.\n` +
    'Install Node.js 22 LTS or 24 (nodejs.org, or NodeSource packages for Debian and Ubuntu) and start it with that node.'
  );
}

const problem = nodeVersionProblem(process.versions.node, process.execPath);
if (problem) {
  process.stderr.write(`${problem}\n`);
  // 2, like a configuration that cannot be used: restarting will not help (systemd's RestartPreventExitStatus=2).
  process.exit(2);
}
