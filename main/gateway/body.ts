import type { IncomingMessage } from 'node:http';
import type { ApiErrorCode } from '../contract/local-api.ts';

/** A request body up to this size is kept, so the request can be sent again after a refused token. */
export const RETRY_BODY_BYTES = 1024 * 1024;
/** The largest request body the gateway forwards. */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Why a gateway request could not be forwarded; turned into an API error. */
export class GatewayRefusal extends Error {
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode) {
    super(code);
    this.code = code;
  }
}

/** A request body as far as it was read: whole (can be sent again), or a head and the rest of the stream. */
export type Body = { kind: 'none' } | { kind: 'whole'; data: Buffer } | { kind: 'stream'; head: Buffer[] };

/**
 * Reads a stream until it ends or passes `cap` bytes; in the second case it is paused with what
 * was read, and the rest can still be piped on (breaking out of `for await` would destroy it).
 */
export function readHead(stream: IncomingMessage, cap: number): Promise<{ chunks: Buffer[]; ended: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= cap) return;
      stream.pause();
      cleanup();
      resolve({ chunks, ended: false });
    };
    const onEnd = () => {
      cleanup();
      resolve({ chunks, ended: true });
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

export async function readBody(request: IncomingMessage): Promise<Body> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new GatewayRefusal('payload_too_large');
  if (declared === 0 && request.headers['transfer-encoding'] === undefined) return { kind: 'none' };
  const { chunks, ended } = await readHead(request, RETRY_BODY_BYTES);
  // Too big to keep: streamed on, and not sent again if the token is refused.
  return ended ? { kind: 'whole', data: Buffer.concat(chunks) } : { kind: 'stream', head: chunks };
}
