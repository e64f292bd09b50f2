import { applyEventLoopPriority } from '../src/serving/priority.js';
import { probeHealth } from './health.js';

// A separate process that probes GET /health every 20 ms until it receives SIGTERM, then prints
// { realtime, latencies } as JSON (latencies in ms). It stands in for a kubelet or Cloud Run
// probe, which does not share the container's cores: with `realtime` (argv[3]) it runs under
// SCHED_RR where permitted, so on a saturated machine it measures the server's answer, not its own
// wait for a core. Its first probe only warms up its own code and is not counted.
const port = Number(process.argv[2]);
const { priority } = applyEventLoopPriority(process.argv[3] === 'realtime' ? 'realtime' : 'normal');
const realtime = priority === 'realtime';
const latencies: number[] = [];
let running = true;
process.on('SIGTERM', () => {
  running = false;
});

await probeHealth(port).catch(() => 0);
while (running) {
  const started = performance.now();
  const answered = await probeHealth(port).then(
    () => true,
    () => false,
  );
  if (answered) latencies.push(performance.now() - started);
  await new Promise((r) => setTimeout(r, 20));
}
process.stdout.write(JSON.stringify({ realtime, latencies }));
