import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Keeps a listener answering its owner while a neighbour misbehaves. Node sweeps slow and idle
 * connections only every `connectionsCheckingInterval` (30 s), and at `maxConnections` it turns
 * away the newcomer: so a local user trickling headers over a hundred connections could lock
 * everyone out. Here every connection that is not in the middle of a request has a deadline of its
 * own (headers must be complete, an idle keep-alive must be used, within `idleMs`), and at the cap
 * the connection that has waited longest without a request gives way to the new one.
 */
export function guardConnections(server: Server, limits: { maxConnections: number; idleMs: number }): void {
  /** Connections not serving a request, oldest first (a Map keeps insertion order). */
  const waiting = new Map<Socket, ReturnType<typeof setTimeout>>();
  let open = 0;

  const wait = (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), limits.idleMs);
    timer.unref?.();
    waiting.set(socket, timer);
  };
  const unwait = (socket: Socket) => {
    clearTimeout(waiting.get(socket));
    waiting.delete(socket);
  };

  server.on('connection', (socket: Socket) => {
    if (open >= limits.maxConnections) {
      const [idlest] = waiting.keys();
      if (idlest === undefined) {
        // Every connection is busy with a request: the newcomer waits its turn elsewhere.
        socket.destroy();
        return;
      }
      unwait(idlest);
      idlest.destroy();
    }
    open++;
    wait(socket);
    socket.once('close', () => {
      open--;
      unwait(socket);
    });
  });
  // Headers complete: the request has begun, no deadline but the request's own.
  server.on('request', (request, response) => {
    const socket = request.socket;
    unwait(socket);
    response.once('finish', () => {
      if (!socket.destroyed) wait(socket);
    });
  });
}
