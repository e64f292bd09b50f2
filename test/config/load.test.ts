import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { OPTIONS, threadPlan } from '../../src/config/options.js';
import { RocketError } from '../../src/errors.js';
import { thrown } from '../helpers/errors.js';

function dirWith(ini?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'rocket-config-'));
  if (ini !== undefined) writeFileSync(join(dir, 'config.ini'), ini);
  return dir;
}

function problemsOf(fn: () => unknown): string {
  const err = thrown(fn);
  expect(err).toBeInstanceOf(RocketError);
  expect(err.code).toBe('CONFIG_INVALID');
  return err.message;
}

describe('loadConfig', () => {
  it('parses the three-line config.ini unchanged', () => {
    const cwd = dirWith('[DEFAULT]\nDEVICE = cpu\nROCKET_URL = lucas/yolov3\nPORT = 5042\n');
    const config = loadConfig({ cwd, env: {} });
    expect(config.DEVICE).toEqual({ kind: 'cpu' });
    expect(config.ROCKET_URL).toBe('lucas/yolov3');
    expect(config.PORT).toBe(5042);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it.each([
    ['cpu', { kind: 'cpu' }],
    ['auto', { kind: 'auto' }],
    ['cuda', { kind: 'cuda', deviceId: 0 }],
    ['cuda:3', { kind: 'cuda', deviceId: 3 }],
    ['CUDA:1', { kind: 'cuda', deviceId: 1 }],
  ])('DEVICE=%s', (value, device) => {
    expect(loadConfig({ cwd: dirWith(), env: { DEVICE: value } }).DEVICE).toEqual(device);
  });

  it.each([
    ['DEVICE', 'gpu', 'one of cpu, cuda, cuda:N, auto'],
    ['DEVICE', 'cuda:x', 'one of cpu, cuda, cuda:N, auto'],
    ['PORT', '0', 'an integer from 1 to 65535'],
    ['PORT', '80a', 'an integer from 1 to 65535'],
    ['WORKERS', '-1', 'an integer from 0 to 64'],
    ['KERNELS', 'fast', 'one of native, reference'],
    ['LOG_LEVEL', 'loud', 'one of debug, info, warn, error'],
    ['EVENT_LOOP_PRIORITY', 'high', 'one of realtime, normal'],
    ['CLIENT_ID_HEADER', 'x client', 'a header name, or empty'],
  ])('%s=%s names the key and the allowed values', (key, value, allowed) => {
    const message = problemsOf(() => loadConfig({ cwd: dirWith(), env: { [key]: value } }));
    expect(message).toContain(key);
    expect(message).toContain(allowed);
    expect(message).toContain(value);
  });

  it('lets the environment override the file (Cloud Run sets PORT)', () => {
    const cwd = dirWith('[DEFAULT]\nPORT = 5042\nDEVICE = cuda\n');
    const config = loadConfig({ cwd, env: { PORT: '8080' } });
    expect(config.PORT).toBe(8080);
    expect(config.DEVICE).toEqual({ kind: 'cuda', deviceId: 0 });
  });

  it('reports every problem at once, unknown keys and sections included', () => {
    const cwd = dirWith('[DEFAULT]\nDEVCIE = cpu\nPORT = huge\n[extra]\nX = 1\n');
    const message = problemsOf(() => loadConfig({ cwd, env: { DEVICE: 'tpu' } }));
    expect(message).toContain('unknown key DEVCIE');
    expect(message).toContain('PORT');
    expect(message).toContain('DEVICE (environment variable DEVICE)');
    expect(message).toContain('unknown section [extra]');
  });

  it('reads CONFIG_FILE or an explicit file, and fails when an explicit file is missing', () => {
    const dir = dirWith();
    writeFileSync(join(dir, 'other.ini'), '[DEFAULT]\nPORT = 7000\n');
    expect(loadConfig({ cwd: dir, env: { CONFIG_FILE: 'other.ini' } }).PORT).toBe(7000);
    expect(loadConfig({ cwd: dir, env: {}, file: join(dir, 'other.ini') }).PORT).toBe(7000);
    expect(problemsOf(() => loadConfig({ cwd: dir, env: {}, file: 'nope.ini' }))).toContain('does not exist');
  });

  it('uses the defaults with no file and no environment', () => {
    const config = loadConfig({ cwd: dirWith(), env: {} });
    expect(config.PORT).toBe(5042);
    expect(config.ROCKET_URL).toBe('');
    expect(config.DEVICE).toEqual({ kind: 'cpu' });
  });

  it('sizes the worker pool from the CPU count, the first session with twice the threads', () => {
    const config = loadConfig({ cwd: dirWith(), env: {} });
    expect(threadPlan(config, 1)).toEqual({ threads: [1] });
    expect(threadPlan(config, 2)).toEqual({ threads: [2, 1] });
    expect(threadPlan(config, 4)).toEqual({ threads: [2, 1, 1, 1] });
    expect(threadPlan(config, 16)).toEqual({ threads: [8, 4, 4, 4] });
    expect(threadPlan(loadConfig({ cwd: dirWith(), env: { DEVICE: 'cuda:1' } }), 8)).toEqual({
      threads: [8],
    });
  });

  it('keeps every session alike when WORKERS or INTRA_OP_THREADS is set', () => {
    const plan = (env: Record<string, string>) => threadPlan(loadConfig({ cwd: dirWith(), env }), 16);
    expect(plan({ WORKERS: '2', INTRA_OP_THREADS: '1' })).toEqual({ threads: [1, 1] });
    expect(plan({ WORKERS: '2' })).toEqual({ threads: [8, 8] });
    expect(plan({ INTRA_OP_THREADS: '2' })).toEqual({ threads: [2, 2, 2, 2] });
  });
});

describe('README', () => {
  it('lists every configuration key in its config table', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    for (const key of Object.keys(OPTIONS)) expect(readme).toContain(`| \`${key}\` |`);
  });
});

describe('config-example.ini', () => {
  const example = readFileSync(new URL('../../config-example.ini', import.meta.url), 'utf8');

  it('documents every key, and parses to the defaults', () => {
    for (const key of Object.keys(OPTIONS)) expect(example).toMatch(new RegExp(`^;?${key} =`, 'm'));
    const dir = dirWith(example);
    const config = loadConfig({ cwd: dir, env: {} });
    for (const [key, spec] of Object.entries(OPTIONS)) {
      expect(config[key as keyof typeof OPTIONS], key).toEqual(spec.default);
    }
  });
});
