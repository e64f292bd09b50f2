import { describe, expect, it } from 'vitest';
import { explainProviderFailure, providerCandidates } from '../../src/inference/providers.js';
import type { GpuProbe } from '../../src/kernels/types.js';
import { failedStartup, startServer } from '../helpers/server.js';

const noGpu: GpuProbe = { devices: [], reason: 'libcuda.so.1 not found' };
const twoGpus: GpuProbe = {
  devices: [
    { index: 0, name: 'NVIDIA L4', totalMemoryBytes: 24e9 },
    { index: 1, name: 'NVIDIA L4', totalMemoryBytes: 24e9 },
  ],
  driverVersion: '550.54.15',
};

describe('providerCandidates', () => {
  it('cpu is the CPU provider only', () => {
    expect(providerCandidates({ kind: 'cpu' }, twoGpus).map((c) => c.label)).toEqual(['cpu']);
  });

  it('cuda:N asks for that device and nothing else, and is required', () => {
    const [only, ...rest] = providerCandidates({ kind: 'cuda', deviceId: 1 }, noGpu);
    expect(rest).toEqual([]);
    expect(only).toEqual({
      label: 'cuda:1',
      executionProviders: [{ name: 'cuda', deviceId: 1 }],
      required: true,
    });
  });

  it('auto tries CUDA only when the driver sees a GPU, then falls back to the CPU', () => {
    expect(providerCandidates({ kind: 'auto' }, noGpu).map((c) => c.label)).toEqual(['cpu']);
    const withGpu = providerCandidates({ kind: 'auto' }, twoGpus);
    expect(withGpu.map((c) => [c.label, c.required])).toEqual([
      ['cuda:0', false],
      ['cpu', true],
    ]);
  });
});

describe('explainProviderFailure', () => {
  const ortError = 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library';

  it('names both causes on a machine with no GPU and no CUDA binaries', () => {
    const text = explainProviderFailure('cuda:0', ortError, noGpu);
    expect(text).toContain('DEVICE=cuda:0');
    expect(text).toContain('no NVIDIA GPU is visible (libcuda.so.1 not found)');
    expect(text).toContain('ONNXRUNTIME_NODE_INSTALL=cuda12');
    expect(text).toContain('DEVICE=cpu');
  });

  it('names a device index beyond the GPUs present', () => {
    const text = explainProviderFailure('cuda:4', 'invalid device ordinal', twoGpus);
    expect(text).toContain('GPU 4 but only 2 GPU(s) are visible');
    expect(text).not.toContain('no NVIDIA GPU');
  });
});

describe('DEVICE on this machine (no NVIDIA driver, no CUDA provider binaries)', () => {
  it('DEVICE=cuda stops startup with PROVIDER_UNAVAILABLE and says why', async () => {
    const { code, output } = await failedStartup('npm start server', { DEVICE: 'cuda' });
    expect(code).toBe(1);
    expect(output).toContain('PROVIDER_UNAVAILABLE');
    expect(output).toContain('no NVIDIA GPU is visible');
  });

  it('DEVICE=auto serves on the CPU and reports it', async () => {
    const server = await startServer('npm start server', { DEVICE: 'auto' });
    try {
      const health = await (await fetch(`${server.url}/health`)).json();
      expect(health).toMatchObject({ device: 'auto', executionProvider: 'cpu' });
    } finally {
      await server.stop();
    }
  });
});
