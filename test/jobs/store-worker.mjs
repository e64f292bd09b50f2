// One worker process of test/jobs/store-shared.test.ts, run against the built store (npm run build:ts):
// opens the store that STORE_DATA_DIR (SQLite) or STORE_URL (PostgreSQL) names, says "ready", waits for a
// line on stdin so that every worker starts at once, then claims and finishes jobs until none is left.
// Each result body is "<pid>:<job id>". Prints {"pid", "finished": [ids whose finish returned true]}.
import { openJobStore } from '../../dist/src/jobs/store/open.js';

const store = await openJobStore(
  { JOB_STORE: process.env.STORE_URL ?? '' },
  { dataDir: process.env.STORE_DATA_DIR ?? '' },
);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
const finished = [];
for (let claim = await store.claim(60_000, 3); claim; claim = await store.claim(60_000, 3)) {
  const body = Buffer.from(`${process.pid}:${claim.job.id}`);
  const outcome = { status: 'succeeded', result: { status: 200, contentType: 'text/plain', body } };
  if (await store.finish(claim.job.id, claim.leaseToken, outcome)) finished.push(claim.job.id);
}
await store.close();
process.stdout.write(`${JSON.stringify({ pid: process.pid, finished })}\n`);
