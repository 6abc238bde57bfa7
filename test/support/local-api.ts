import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import type { ApiLocation } from '../../main/contract/local-api.ts';

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json(): any;
}

/**
 * One HTTP request to the local API as any client would make it: over the socket (or to a TCP
 * port), with whatever headers the test gives. `secret: true` reads the real one from its file.
 */
export function callLocalApi(
  target: ApiLocation | { port: number },
  path: string,
  options: { method?: string; headers?: Record<string, string>; secret?: string | true; body?: string } = {},
): Promise<RawAnswer> {
  const headers: Record<string, string> = { host: 'localhost', ...options.headers };
  if (options.secret !== undefined) {
    const secret =
      options.secret === true && 'secretFile' in target
        ? readFileSync(target.secretFile, 'utf8').trim()
        : String(options.secret);
    headers.authorization = `Bearer ${secret}`;
  }
  return new Promise((resolve, reject) => {
    const req = request(
      {
        ...('port' in target ? { host: '127.0.0.1', port: target.port } : { socketPath: target.endpoint }),
        path,
        method: options.method ?? 'GET',
        headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
        });
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}
