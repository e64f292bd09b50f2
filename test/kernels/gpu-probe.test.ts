import { describe, expect, it } from 'vitest';
import { formatCudaDriverVersion, probeGpus, toGpuProbe } from '../../src/kernels/native.js';

describe('probeGpus', () => {
  it('answers without crashing, with devices or with a reason', () => {
    const probe = probeGpus();
    if (probe.devices.length === 0) {
      expect(probe.reason).toMatch(/\S/);
    } else {
      expect(probe.reason).toBeUndefined();
      expect(probe.library).toMatch(/^libcuda\.so/);
      for (const [i, device] of probe.devices.entries()) {
        expect(device.index).toBe(i);
        expect(device.name).toMatch(/\S/);
        expect(device.totalMemoryBytes).toBeGreaterThan(0);
      }
    }
  });

  it('reports a missing driver library by name', () => {
    const probe = probeGpus({ cudaLibraries: ['libcuda-does-not-exist.so.1'], nvmlLibraries: [] });
    expect(probe.devices).toEqual([]);
    expect(probe.library).toBeUndefined();
    expect(probe.reason).toMatch(/^libcuda-does-not-exist\.so\.1 not found \(.+\)$/);
  });

  it('reports a library that is not a CUDA driver', () => {
    const probe = probeGpus({ cudaLibraries: ['libm.so.6'], nvmlLibraries: ['libm.so.6'] });
    expect(probe).toEqual({ devices: [], library: 'libm.so.6', reason: 'cuInit not found in libm.so.6' });
  });

  it('reports an empty library list and rejects a malformed one', () => {
    expect(probeGpus({ cudaLibraries: [] }).reason).toBe('no library to try');
    expect(() => probeGpus({ cudaLibraries: 'libcuda.so.1' as never })).toThrowError(
      new TypeError('Expected an array of library names for cudaLibraries but received "libcuda.so.1"'),
    );
  });
});

describe('GPU probe formatting', () => {
  it('formats cuDriverGetVersion numbers', () => {
    expect(formatCudaDriverVersion(12040)).toBe('12.4');
    expect(formatCudaDriverVersion(11080)).toBe('11.8');
    expect(formatCudaDriverVersion(12000)).toBe('12.0');
    expect(formatCudaDriverVersion(12090)).toBe('12.9');
  });

  it('prefers the NVML driver version and omits unknown fields', () => {
    const devices = [{ index: 0, name: 'NVIDIA H100 80GB HBM3', totalMemoryBytes: 85e9 }];
    expect(toGpuProbe({ devices, cudaDriverVersion: 12040, library: 'libcuda.so.1' })).toEqual({
      devices,
      driverVersion: '12.4',
      library: 'libcuda.so.1',
    });
    expect(
      toGpuProbe({ devices, cudaDriverVersion: 12040, nvmlDriverVersion: '550.54.15' }).driverVersion,
    ).toBe('550.54.15');
    expect(
      toGpuProbe({ devices: [], reason: 'cuInit failed with CUresult 100 (CUDA_ERROR_NO_DEVICE)' }),
    ).toEqual({
      devices: [],
      reason: 'cuInit failed with CUresult 100 (CUDA_ERROR_NO_DEVICE)',
    });
  });
});
