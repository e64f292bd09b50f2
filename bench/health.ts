import { request } from 'node:http';

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
