import { request } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

/** A TCP port free on 127.0.0.1 right now: listens on port 0, reads the port the OS chose, closes. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One GET /health on a fresh connection (as a kubelet probe makes); resolves with its status. */
export function probeHealth(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}
