import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NATIVE_ADDON_PATH } from '../../src/kernels/native.js';
import { applyEventLoopPriority } from '../../src/serving/priority.js';
import { useServer } from '../helpers/server.js';
import { firstMessage } from '../helpers/worker.js';

const SCHED_OTHER = 0;
const SCHED_RR = 2;
const linux = process.platform === 'linux';

/** Whether this process may use a real-time policy: CAP_SYS_NICE, or an RLIMIT_RTPRIO of at least 1. */
function realtimePermitted(): boolean {
  const capEff = /CapEff:\s+([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  const capSysNice = (BigInt(`0x${capEff}`) >> 23n) & 1n;
  const rtprio = /Max realtime priority\s+(\d+)/.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1];
  return capSysNice === 1n || Number(rtprio ?? 0) >= 1;
}

/** The scheduling policy of one thread, from /proc (`thread-self` or `PID/task/TID`). */
function policyOf(schedPath: string): number {
  return Number(/^policy\s*:\s*(\d+)/m.exec(readFileSync(schedPath, 'utf8'))?.[1]);
}

/**
 * In a fresh worker thread: asks for real-time priority, then reports its own policy and that of
 * a thread it starts afterwards.
 */
function realtimeInWorker(): Promise<{ result?: unknown; error?: string; own: number; child?: number }> {
  const policy = `Number(/^policy\\s*:\\s*(\\d+)/m.exec(require('node:fs').readFileSync('/proc/thread-self/sched', 'utf8'))[1])`;
  const code = `
    const { parentPort, workerData, Worker } = require('node:worker_threads');
    const addon = require(workerData.path);
    let result, error;
    try { result = addon.useRealtimePriority(); } catch (err) { error = err.message; }
    const own = ${policy};
    const child = new Worker(${JSON.stringify(`require('node:worker_threads').parentPort.postMessage(${policy})`)}, { eval: true });
    child.once('message', (p) => { parentPort.postMessage({ result, error, own, child: p }); });`;
  return firstMessage(code, { path: NATIVE_ADDON_PATH });
}

describe.skipIf(!linux)('useRealtimePriority (native)', () => {
  it('moves only the calling thread to SCHED_RR, or says why the kernel refused', async () => {
    const { result, error, own, child } = await realtimeInWorker();
    if (realtimePermitted()) {
      expect(error).toBeUndefined();
      expect(result).toBe(true);
      expect(own).toBe(SCHED_RR);
    } else {
      expect(error).toBe('sched_setscheduler(SCHED_RR) failed: Operation not permitted');
      expect(own).toBe(SCHED_OTHER);
    }
    // Threads started afterwards never inherit it, and neither does the test's own thread.
    expect(child).toBe(SCHED_OTHER);
    expect(policyOf('/proc/thread-self/sched')).toBe(SCHED_OTHER);
  });
});

describe('applyEventLoopPriority', () => {
  it('leaves the thread alone for normal', () => {
    let asked = false;
    const applied = applyEventLoopPriority('normal', () => {
      asked = true;
      return true;
    });
    expect(applied).toEqual({ priority: 'normal' });
    expect(asked).toBe(false);
  });

  it('reports realtime when the kernel grants it', () => {
    expect(applyEventLoopPriority('realtime', () => true)).toEqual({ priority: 'realtime' });
  });

  it('runs on at normal priority, saying why, when the kernel refuses', () => {
    const applied = applyEventLoopPriority('realtime', () => {
      throw new Error('sched_setscheduler(SCHED_RR) failed: Operation not permitted');
    });
    expect(applied.priority).toBe('normal');
    expect(applied.reason).toBe(
      'sched_setscheduler(SCHED_RR) failed: Operation not permitted (grant CAP_SYS_NICE or an RLIMIT_RTPRIO of 1 to enable it)',
    );
  });

  it('says so where the platform has no real-time policy', () => {
    expect(applyEventLoopPriority('realtime', () => null)).toEqual({
      priority: 'normal',
      reason: 'this platform has no real-time scheduling policy',
    });
  });
});

describe.skipIf(!linux)('rocket serve with the default EVENT_LOOP_PRIORITY', () => {
  const server = useServer('npm start server', {}, 60_000);

  it('runs its event loop under SCHED_RR where permitted, every other thread at normal priority, and logs it', () => {
    const pid = server().proc.pid as number;
    const expected = realtimePermitted() ? 'realtime' : 'normal';
    const line = server()
      .output()
      .split('\n')
      .find((l) => l.includes('"event loop priority"'));
    expect(JSON.parse(line ?? '{}')).toMatchObject({ severity: 'INFO', priority: expected });
    expect(policyOf(`/proc/${pid}/task/${pid}/sched`)).toBe(expected === 'realtime' ? SCHED_RR : SCHED_OTHER);
    const others = readdirSync(`/proc/${pid}/task`).filter((tid) => Number(tid) !== pid);
    expect(others.length).toBeGreaterThan(2);
    for (const tid of others) expect(policyOf(`/proc/${pid}/task/${tid}/sched`)).toBe(SCHED_OTHER);
  });
});
