import { request } from 'node:http';

// A separate process that probes GET /health every 20 ms until it receives SIGTERM, then prints
// the latencies (ms) as JSON. Separate, so the load generator's event loop does not delay it.
const port = Number(process.argv[2]);
const latencies: number[] = [];
let running = true;
process.on('SIGTERM', () => {
  running = false;
});

function probe(): Promise<void> {
  return new Promise((resolve) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/health', agent: false }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - started);
        resolve();
      });
    });
    req.on('error', () => resolve());
    req.end();
  });
}

while (running) {
  await probe();
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(JSON.stringify(latencies));
