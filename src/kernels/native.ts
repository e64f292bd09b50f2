/**
 * Loads the C++ kernel addon (`native/`, built by `npm run build:native`) and the GPU probe it
 * exports. The addon is loaded lazily, once per thread (it is context-aware, so every worker thread
 * may load it), and checked against the ABI version this loader was written for.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { RocketError } from '../errors.js';
import { packageRoot } from '../package.js';
import type { GpuDevice, GpuProbe, Kernels } from './types.js';

/** Where `npm run build:native` writes the addon, relative to the package root. */
export const NATIVE_ADDON_RELATIVE_PATH = join('build', 'native', 'Release', 'rocketserve_native.node');

/** The addon ABI this loader expects; `rs::kAbiVersion` in native/src/bindings.h must equal it. */
export const NATIVE_ABI_VERSION = 7;

/** Absolute path of the addon, in the package root (the same from `src/` and from `dist/src/`). */
export const NATIVE_ADDON_PATH: string = join(packageRoot(), NATIVE_ADDON_RELATIVE_PATH);

/** What the addon's `probeGpus` returns before {@link toGpuProbe} formats it. */
export interface RawGpuProbe {
  devices: GpuDevice[];
  /** cuDriverGetVersion, e.g. 12040 for CUDA 12.4. */
  cudaDriverVersion?: number;
  /** nvmlSystemGetDriverVersion, e.g. "550.54.15". */
  nvmlDriverVersion?: string;
  library?: string;
  reason?: string;
}

/** Library names to try instead of the defaults (libcuda.so.1, libcuda.so; libnvidia-ml.so.1, …). */
export interface ProbeLibraries {
  cudaLibraries?: string[];
  /** An empty list skips NVML. */
  nvmlLibraries?: string[];
}

type NativeAddon = Omit<Kernels, 'kind'> & {
  ABI_VERSION: number;
  probeGpus(cudaLibraries?: string[], nvmlLibraries?: string[]): RawGpuProbe;
  lowerThreadPriority(increment: number): number | null;
  useRealtimePriority(): true | null;
};

const FIXES =
  'Likely fixes: run `npm run build:native` (needs cmake and a C++17 compiler); build on the machine ' +
  'that runs it instead of copying build/ across operating systems or CPU architectures; the addon ' +
  'supports glibc Linux only (not Alpine/musl); a stale build (ABI version mismatch) needs ' +
  '`npm run build:native` again.';

const requireNative = createRequire(import.meta.url);
let cachedAddon: NativeAddon | undefined;
let cachedKernels: Kernels | undefined;

function loadAddonFrom(path: string): NativeAddon {
  let addon: Partial<NativeAddon>;
  try {
    addon = requireNative(path) as Partial<NativeAddon>;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new RocketError(
      'NATIVE_ADDON_UNAVAILABLE',
      `Cannot load the native kernel addon from ${path}: ${message}. ${FIXES}`,
      { cause },
    );
  }
  if (addon.ABI_VERSION !== NATIVE_ABI_VERSION) {
    const found = JSON.stringify(addon.ABI_VERSION) ?? 'none';
    throw new RocketError(
      'NATIVE_ADDON_UNAVAILABLE',
      `The native kernel addon at ${path} is a stale build: ABI version ${found}, expected ` +
        `${NATIVE_ABI_VERSION}. ${FIXES}`,
    );
  }
  return addon as NativeAddon;
}

function loadAddon(): NativeAddon {
  cachedAddon ??= loadAddonFrom(NATIVE_ADDON_PATH);
  return cachedAddon;
}

function kernelsOf(addon: NativeAddon): Kernels {
  // Everything the addon exports but the ABI version and the thread and GPU helpers is a kernel.
  const {
    ABI_VERSION: _abi,
    probeGpus: _gpus,
    lowerThreadPriority: _nice,
    useRealtimePriority: _rt,
    ...kernels
  } = addon;
  return Object.freeze({ kind: 'native', ...kernels });
}

/**
 * Loads the addon at `path` (uncached; for tests and tools).
 * @throws RocketError NATIVE_ADDON_UNAVAILABLE saying what failed, the path and the likely fixes.
 */
export function loadNativeKernelsFrom(path: string): Kernels {
  return kernelsOf(loadAddonFrom(path));
}

/**
 * The native kernels from {@link NATIVE_ADDON_PATH}, loaded on first use and cached.
 * @throws RocketError NATIVE_ADDON_UNAVAILABLE when the addon is missing, foreign or stale.
 */
export function loadNativeKernels(): Kernels {
  cachedKernels ??= kernelsOf(loadAddon());
  return cachedKernels;
}

/** Formats a cuDriverGetVersion number: 12040 → "12.4", 11080 → "11.8". */
export function formatCudaDriverVersion(version: number): string {
  return `${Math.floor(version / 1000)}.${Math.floor((version % 1000) / 10)}`;
}

/** Turns the addon's raw answer into a {@link GpuProbe}: NVML's driver version, else CUDA's. */
export function toGpuProbe(raw: RawGpuProbe): GpuProbe {
  const probe: GpuProbe = {
    devices: raw.devices.map(({ index, name, totalMemoryBytes }) => ({ index, name, totalMemoryBytes })),
  };
  const cuda = raw.cudaDriverVersion;
  const driverVersion = raw.nvmlDriverVersion ?? (cuda ? formatCudaDriverVersion(cuda) : undefined);
  if (driverVersion !== undefined) probe.driverVersion = driverVersion;
  if (raw.library !== undefined) probe.library = raw.library;
  if (raw.reason !== undefined) probe.reason = raw.reason;
  return probe;
}

/**
 * Asks the NVIDIA driver (dlopen()ed at run time, never linked) for its devices. Never throws:
 * without a driver, or without the addon itself, `devices` is empty and `reason` says why.
 */
export function probeGpus(libraries: ProbeLibraries = {}): GpuProbe {
  let addon: NativeAddon;
  try {
    addon = loadAddon();
  } catch (err) {
    return { devices: [], reason: `the GPU probe is unavailable: ${(err as Error).message}` };
  }
  return toGpuProbe(addon.probeGpus(libraries.cudaLibraries, libraries.nvmlLibraries));
}

/**
 * Lowers the calling thread's CPU priority by `increment` nice steps (Linux; threads created
 * afterwards inherit it). Returns the new nice value, or null where threads have none of their
 * own. Inference workers call it so the main thread stays responsive on a saturated CPU.
 */
export function lowerThreadPriority(increment: number): number | null {
  return loadAddon().lowerThreadPriority(increment);
}

/**
 * Moves the calling thread to real-time round-robin scheduling at the lowest real-time priority
 * (Linux), so it runs as soon as it wakes even when every core is busy with normal-priority work.
 * Threads it creates afterwards start at normal priority. Returns true, or null where there is no
 * such policy; throws when the kernel refuses (it needs CAP_SYS_NICE or an RLIMIT_RTPRIO of 1).
 */
export function useRealtimePriority(): true | null {
  return loadAddon().useRealtimePriority();
}
