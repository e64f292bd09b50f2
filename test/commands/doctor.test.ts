import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import {
  CUDA_LIBRARIES,
  type DoctorProbes,
  diagnose,
  formatReport,
  systemProbes,
} from '../../src/commands/doctor.js';
import { checkDevice, formatDeviceCheck } from '../../src/commands/doctor-device.js';
import { probeGpus } from '../../src/kernels/native.js';
import { ROOT } from '../helpers/server.js';
import { runCli } from './run-cli.js';

const run = promisify(execFile);
const BIN = '/opt/app/node_modules/onnxruntime-node/bin/napi-v6/linux/x64';
const L4 = { index: 0, name: 'NVIDIA L4', totalMemoryBytes: 24 * 1024 ** 3 };

/** A GPU machine with every CUDA piece in place; tests take pieces away. */
function gpuMachine(overrides: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    cpus: () => Array.from({ length: 8 }, () => ({ model: 'Intel(R) Xeon(R) CPU @ 2.20GHz ' })),
    memory: () => ({ totalBytes: 32 * 1024 ** 3, freeBytes: 30 * 1024 ** 3 }),
    probeGpus: () => ({ devices: [L4], driverVersion: '535.216.03', library: 'libcuda.so.1' }),
    providerFiles: () => ({
      dir: BIN,
      files: [
        'libonnxruntime.so.1',
        'onnxruntime_binding.node',
        'libonnxruntime_providers_cuda.so',
        'libonnxruntime_providers_shared.so',
      ],
    }),
    backends: async () => [
      { name: 'cpu', bundled: true },
      { name: 'cuda', bundled: false },
      { name: 'tensorrt', bundled: false },
    ],
    findLibrary: (name) => `/usr/local/cuda/lib64/${name}`,
    tryCuda: async () => undefined,
    ...overrides,
  };
}

describe('rocket doctor on this machine', () => {
  const gpus = probeGpus();

  it('reports the CPU and memory, and decides DEVICE=cuda from the real probes', async () => {
    const report = await diagnose(systemProbes());
    expect(report.cpu.count).toBeGreaterThan(0);
    expect(report.memory.totalBytes).toBeGreaterThan(report.memory.freeBytes);
    expect(report.onnxruntime.providers).toContainEqual({ name: 'cpu', loadable: true });
    expect(report.libraries.map((l) => l.name)).toEqual([...CUDA_LIBRARIES]);
    if (gpus.devices.length === 0) {
      expect(report.cuda.works).toBe(false);
      expect(report.cuda.problems[0]?.problem).toContain('no NVIDIA GPU is visible');
      expect(report.cuda.problems[0]?.problem).toContain(gpus.reason);
    }
  });

  it.skipIf(gpus.devices.length > 0)(
    'prints "no GPU" and why DEVICE=cuda would fail (text and --json)',
    async () => {
      const cli = join(ROOT, 'dist', 'bundle', 'cli.js');
      const text = (await run(process.execPath, [cli, 'doctor'])).stdout;
      expect(text).toMatch(/^CPU: {5}.+ \(\d+ logical CPUs\)$/m);
      expect(text).toMatch(/^GPUs: {4}none \(.+\)$/m);
      expect(text).toContain('DEVICE=cuda: would fail here:');
      expect(text).toContain('fix: ');
      const json = JSON.parse((await run(process.execPath, [cli, 'doctor', '--json'])).stdout);
      expect(json.gpu.devices).toEqual([]);
      expect(json.cuda.works).toBe(false);
      expect(json.cuda.problems.length).toBeGreaterThan(0);
    },
  );
});

describe('rocket doctor checks the configured DEVICE', () => {
  const noGpu = probeGpus().devices.length === 0;

  it.skipIf(!noGpu)('DEVICE=cuda on a machine without a GPU: exits 1 and says why', async () => {
    const run = await runCli(['doctor'], { DEVICE: 'cuda' });
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('Configured DEVICE=cuda:0: cannot run here');
    expect(run.stdout).toMatch(/^ {2}- no NVIDIA GPU is visible/m);
    const json = await runCli(['doctor', '--json'], { DEVICE: 'cuda:1' });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout).device).toMatchObject({ configured: 'cuda:1', works: false });
  });

  it.each(['cpu', 'auto'])('DEVICE=%s runs anywhere: exits 0', async (device) => {
    const run = await runCli(['doctor'], { DEVICE: device });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Configured DEVICE=${device}: runs on `, 'm'));
  });

  it('reads DEVICE from --config', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-config-'));
    writeFileSync(join(dir, 'rocket.ini'), 'DEVICE = auto\n');
    const run = await runCli(['doctor', '--json', '--config', join(dir, 'rocket.ini')]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).device).toMatchObject({ configured: 'auto', works: true, problems: [] });
  });

  it('cuda:N: fails with the CUDA problems, or when GPU N is not there; auto falls back', async () => {
    const working = await diagnose(gpuMachine());
    expect(checkDevice({ kind: 'cuda', deviceId: 0 }, working)).toEqual({
      configured: 'cuda:0',
      works: true,
      runsOn: 'CUDA device 0 (NVIDIA L4)',
      problems: [],
    });
    const missing = checkDevice({ kind: 'cuda', deviceId: 2 }, working);
    expect(missing).toMatchObject({ configured: 'cuda:2', works: false, runsOn: 'nowhere' });
    expect(missing.problems.map((p) => p.problem)).toEqual([
      'DEVICE asks for GPU 2 but only 1 GPU(s) are visible',
    ]);
    const broken = await diagnose(gpuMachine({ tryCuda: async () => 'CUDA driver version is insufficient' }));
    const cuda = checkDevice({ kind: 'cuda', deviceId: 0 }, broken);
    expect(cuda.works).toBe(false);
    expect(cuda.problems).toEqual(broken.cuda.problems);
    expect(formatDeviceCheck(cuda)).toContain(
      'Configured DEVICE=cuda:0: cannot run here (rocket serve would stop at startup with PROVIDER_UNAVAILABLE):\n  - onnxruntime could not create the CUDA provider: CUDA driver version is insufficient\n    fix: ',
    );
    expect(checkDevice({ kind: 'auto' }, broken)).toMatchObject({
      works: true,
      runsOn: expect.stringMatching(/^the CPU/),
    });
    expect(checkDevice({ kind: 'auto' }, working).runsOn).toBe('CUDA device 0');
  });
});

describe('rocket doctor with faked probes', () => {
  it('GPU present but the CUDA provider missing: one problem, with the install fix', async () => {
    const tryCuda = vi.fn(async () => undefined);
    const report = await diagnose(
      gpuMachine({ providerFiles: () => ({ dir: BIN, files: ['libonnxruntime.so.1'] }), tryCuda }),
    );
    expect(report.cuda.works).toBe(false);
    expect(report.cuda.problems).toHaveLength(1);
    expect(report.cuda.problems[0]?.problem).toBe(
      `onnxruntime-node's CUDA provider is not installed (no libonnxruntime_providers_cuda.so in ${BIN})`,
    );
    expect(report.cuda.problems[0]?.fix).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(report.onnxruntime.providers).toContainEqual({ name: 'cuda', loadable: false });
    expect(tryCuda).not.toHaveBeenCalled();
    const text = formatReport(report);
    expect(text).toContain('GPUs:    1 (driver 535.216.03, via libcuda.so.1)');
    expect(text).toContain('[0] NVIDIA L4, 24.0 GiB');
    expect(text).toContain('DEVICE=cuda: would fail here:');
  });

  it('names only the missing libraries', async () => {
    const report = await diagnose(
      gpuMachine({ findLibrary: (name) => (name === 'libcudnn.so.9' ? undefined : `/usr/lib/${name}`) }),
    );
    expect(report.cuda.problems.map((p) => p.problem)).toEqual([
      'CUDA 12 / cuDNN 9 libraries are not on the library path: libcudnn.so.9',
    ]);
    expect(report.libraries.find((l) => l.name === 'libcudnn.so.9')?.path).toBeNull();
  });

  it('everything in place: tries a CUDA session, and says DEVICE=cuda would work', async () => {
    const report = await diagnose(gpuMachine());
    expect(report.cuda).toEqual({ works: true, problems: [] });
    expect(report.cpu).toEqual({ model: 'Intel(R) Xeon(R) CPU @ 2.20GHz', count: 8 });
    expect(formatReport(report)).toContain('DEVICE=cuda: would work');
  });

  it('everything in place but onnxruntime refuses: reports its error', async () => {
    const report = await diagnose(gpuMachine({ tryCuda: async () => 'CUDA driver version is insufficient' }));
    expect(report.cuda.works).toBe(false);
    expect(report.cuda.problems[0]?.problem).toContain('CUDA driver version is insufficient');
  });

  it('no CUDA provider for the platform at all', async () => {
    const report = await diagnose(gpuMachine({ backends: async () => [{ name: 'cpu', bundled: true }] }));
    expect(report.cuda.problems.map((p) => p.problem)).toEqual([
      `this onnxruntime-node build has no CUDA provider for ${process.platform}/${process.arch}`,
    ]);
  });
});

describe('library lookup', () => {
  it('finds libraries in LD_LIBRARY_PATH, then in the ldconfig cache', () => {
    const dir = mkdtempSync(join(tmpdir(), 'doctor-libs-'));
    writeFileSync(join(dir, 'libcudnn.so.9'), '');
    const probes = systemProbes({ LD_LIBRARY_PATH: `/nonexistent:${dir}` });
    expect(probes.findLibrary('libcudnn.so.9')).toBe(join(dir, 'libcudnn.so.9'));
    expect(probes.findLibrary('libdoes-not-exist.so.42')).toBeUndefined();
    expect(probes.findLibrary('libc.so.6')).toMatch(/\/libc\.so\.6$/); // glibc, from ldconfig -p
  });
});
