import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';

export const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN;
export const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );
export const ms = (value: number) => `${value.toFixed(2)} ms`;

/**
 * An open-loop load: `rate` requests a second for `seconds`, each leaving on schedule whether or
 * not earlier ones have answered (so a slow server shows as latency, not as a lower rate).
 */
export async function openLoop(options: {
  target: { port: number } | { socketPath: string };
  path: string;
  secret: string;
  rate: number;
  seconds: number;
}) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const latencies: number[] = [];
  let errors = 0;
  const one = () =>
    new Promise<void>((resolve) => {
      const started = performance.now();
      const req = request(
        {
          ...('port' in options.target
            ? { host: '127.0.0.1', port: options.target.port }
            : { socketPath: options.target.socketPath }),
          agent,
          path: options.path,
          headers: { host: 'localhost', authorization: `Bearer ${options.secret}`, 'user-agent': 'bench/1' },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - started);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end();
    });
  const total = options.seconds * options.rate;
  const interval = 1000 / options.rate;
  const begin = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const wait = begin + i * interval - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(one());
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - begin) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  return {
    requests: total,
    achievedRate: Math.round(total / elapsed),
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    max: sorted.at(-1) ?? Number.NaN,
    errors,
  };
}
