/**
 * The floor for a proxy written on Node: an HTTP forwarder with nothing of the gateway (no
 * authentication, no token, no inspection), one keep-alive pool, `pipeline` both ways. Run as its
 * own process, as the gateway is: `node floor-proxy.ts <upstream port>`; prints its port.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';

const upstreamPort = Number(process.argv[2]);
const agent = new Agent({ keepAlive: true, maxSockets: 1024 });
const server = createServer((req, res) => {
  const out = request(
    { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      pipeline(answer, res).catch(() => res.destroy());
    },
  );
  out.on('error', () => res.destroy());
  pipeline(req, out).catch(() => out.destroy());
});
server.maxConnections = 10_000;
server.listen(0, '127.0.0.1', () => console.log(`port ${(server.address() as AddressInfo).port}`));
