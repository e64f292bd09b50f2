import { describe, expect, it } from 'vitest';
import {
  etaSeconds,
  formatDuration,
  type ProgressView,
  progressBar,
  progressFields,
} from '../../src/batch/progress.js';

const view = (over: Partial<ProgressView> = {}): ProgressView => ({
  shard: { index: 1, count: 3 },
  skipped: 10,
  done: 100,
  failed: 2,
  total: 400,
  elapsedS: 10,
  ...over,
});

describe('batch progress', () => {
  it('draws done/total, the share, the rate, the ETA and the failures on one line', () => {
    expect(progressBar(view(), 10)).toBe(
      'shard 1/3 [###-------] 112/400  28.0%  10.2/s  ETA 28s  failed 2  skipped 10',
    );
  });

  it('says ? until the counting listing has finished', () => {
    expect(progressBar(view({ total: undefined }))).toBe('shard 1/3  112/?  10.2/s  failed 2  skipped 10');
    expect(progressFields(view({ total: undefined }))).not.toHaveProperty('etaSeconds');
  });

  it('gives no ETA before anything has run, and a full bar at the end', () => {
    expect(etaSeconds(view({ done: 0, failed: 0, elapsedS: 0 }))).toBeUndefined();
    expect(progressBar(view({ done: 388, failed: 2 }), 4)).toContain('[####] 400/400  100.0%');
  });

  it('gives the same numbers as JSON fields for log lines', () => {
    expect(progressFields(view())).toEqual({
      shard: '1/3',
      done: 100,
      failed: 2,
      skipped: 10,
      total: 400,
      perSecond: 10.2,
      etaSeconds: 28,
      elapsedSeconds: 10,
    });
  });

  it.each([
    [42.4, '42s'],
    [187, '3m07s'],
    [3720, '1h02m'],
  ])('formats %d s as %s', (s, text) => {
    expect(formatDuration(s)).toBe(text);
  });
});
