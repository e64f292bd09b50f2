import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../commands/run-cli.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { ROOT } from '../helpers/server.js';
import { type FakeServer, startFake } from '../rocket/fakes.js';
import { byInput, readLines } from './helpers.js';

const INPUTS = 40;
/** Requests the fake answers before it starts holding them: where the first run is killed. */
const ANSWERED = 20;

const lineCount = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean).length : 0;

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('rocket batch killed mid-run, then resumed', () => {
  const rocket = writeColourRocket();
  let dir: string;
  let list: string;
  let fake: FakeServer;
  const held: ServerResponse[] = [];
  let gateOpen = false;
  let answered = 0;
  const images: Buffer[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rocket-batch-resume-'));
    images.push(
      await solidImage([230, 20, 20]),
      await solidImage([20, 230, 20]),
      await solidImage([20, 20, 230]),
    );
    // http inputs (a listing file may name them): the first ANSWERED are served at once, the rest
    // are held until the gate opens, so the first run is surely mid-way when it is killed.
    fake = await startFake((req, res) => {
      const i = Number(/\/img\/(\d+)\.png$/.exec(req.url ?? '')?.[1]);
      const send = () => res.writeHead(200, { 'content-type': 'image/png' }).end(images[i % 3]);
      if (gateOpen || answered < ANSWERED) {
        answered += 1;
        send();
      } else held.push(Object.assign(res, { send }));
    });
    list = join(dir, 'inputs.txt');
    writeFileSync(list, Array.from({ length: INPUTS }, (_, i) => `${fake.url}/img/${i}.png\n`).join(''));
  });

  afterAll(async () => {
    for (const res of held) res.destroy();
    await fake?.close();
  });

  /** Starts a batch over the listing whose downloads stall after ANSWERED, and waits until it has got there. */
  async function stalledRun(out: string) {
    gateOpen = false;
    answered = 0;
    const results = join(out, 'results-0-of-1.jsonl');
    const args = [join(ROOT, 'dist', 'bundle', 'cli.js'), 'batch', list, '--out', out, '--rocket', rocket];
    const child = spawn(process.execPath, args, {
      cwd: dir,
      env: { PATH: process.env.PATH, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
      child.once('exit', (code, signal) => r({ code, signal })),
    );
    await until(`${ANSWERED} lines (${output})`, () => lineCount(results) === ANSWERED && held.length > 0);
    return { child, exited, results, output: () => output };
  }

  function openGate(): void {
    gateOpen = true;
    for (const res of held.splice(0)) (res as ServerResponse & { send(): void }).send();
  }

  it('SIGTERM stops at once: the lines so far are kept, exit 1, and a re-run goes on', async () => {
    const out = join(dir, 'stopped');
    const { child, exited, output } = await stalledRun(out);
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 1, signal: null });
    expect(output()).toContain(`skipped 0, done ${ANSWERED}, failed 0`);
    expect(output()).toContain('Stopped by a signal before the shard finished; run again to go on');
    openGate();
    const rest = await runCli(['batch', list, '--out', out, '--rocket', rocket]);
    expect(rest.stdout).toContain(`skipped ${ANSWERED}, done ${INPUTS - ANSWERED}, failed 0`);
  });

  it('killed (SIGKILL): gives the same results as a run never interrupted, a torn last line redone', async () => {
    const out = join(dir, 'killed');
    const { child, exited, results } = await stalledRun(out);
    child.kill('SIGKILL');
    expect((await exited).signal).toBe('SIGKILL');
    expect(existsSync(join(out, '_SUCCESS-0-of-1'))).toBe(false);

    // As if the kill had come in the middle of writing the last line.
    const lines = readFileSync(results, 'utf8').trim().split('\n');
    const last = lines.pop() as string;
    writeFileSync(results, `${lines.join('\n')}\n${last.slice(0, last.length / 2)}`);
    const tornInput = JSON.parse(last).input;

    openGate();
    const resumed = await runCli(['batch', list, '--out', out, '--rocket', rocket]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`skipped ${ANSWERED - 1}, done ${INPUTS - ANSWERED + 1}, failed 0`);
    expect(resumed.stderr).toContain('torn line');

    const whole = join(dir, 'whole');
    const uninterrupted = await runCli(['batch', list, '--out', whole, '--rocket', rocket]);
    expect(uninterrupted.code, uninterrupted.stderr).toBe(0);
    const after = readLines(results);
    expect(after).toHaveLength(INPUTS);
    expect(after.filter((l) => l.input === tornInput)).toHaveLength(1);
    expect(byInput(after)).toEqual(byInput(readLines(join(whole, 'results-0-of-1.jsonl'))));
  });
});
