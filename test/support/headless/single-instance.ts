/**
 * Electron's single-instance lock, as the stand-in provides it: the first instance owns a lock
 * file holding its pid and listens on a socket beside it; a second instance finds the owner alive,
 * hands it its argv over the socket (which becomes 'second-instance' there) and is told false.
 * Socket and server are unref'd, so they never keep a process alive.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';

let held: { lock: string; socket: string; server: Server } | undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function acquireSingleInstanceLock(
  dir: string,
  argv: readonly string[],
  onSecondInstance: (argv: string[]) => void,
): boolean {
  // Electron makes the userData folder before it takes the lock inside it.
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, 'SingletonLock');
  const socket = join(dir, 'SingletonSocket');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
    } catch {
      const owner = Number(readFileSync(lock, 'utf8'));
      if (alive(owner)) {
        const client = connect(socket, () => client.end(JSON.stringify(argv)));
        client.on('error', () => undefined);
        return false;
      }
      rmSync(lock, { force: true });
      continue;
    }
    rmSync(socket, { force: true });
    const server = createServer((connection) => {
      let data = '';
      connection.on('data', (chunk) => {
        data += chunk;
      });
      connection.on('end', () => onSecondInstance(JSON.parse(data) as string[]));
    });
    server.listen(socket);
    server.unref();
    held = { lock, socket, server };
    process.on('exit', releaseSingleInstanceLock);
    return true;
  }
  return false;
}

export function releaseSingleInstanceLock(): void {
  if (!held) return;
  held.server.close();
  rmSync(held.lock, { force: true });
  rmSync(held.socket, { force: true });
  held = undefined;
}
