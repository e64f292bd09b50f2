import { probeHealth } from './health.js';

// A separate process that probes GET /health every 20 ms until it receives SIGTERM, then prints
// the latencies (ms) as JSON. Separate, so the load generator's event loop does not delay it.
const port = Number(process.argv[2]);
const latencies: number[] = [];
let running = true;
process.on('SIGTERM', () => {
  running = false;
});

while (running) {
  const started = performance.now();
  const answered = await probeHealth(port).then(
    () => true,
    () => false,
  );
  if (answered) latencies.push(performance.now() - started);
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(JSON.stringify(latencies));
