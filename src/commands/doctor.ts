import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, freemem, totalmem } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { buildDemoDetector } from '../demo/detector.js';
import { keepOrtTelemetryOff } from '../inference/ort-telemetry.js';
import { probeGpus } from '../kernels/native.js';
import type { GpuProbe } from '../kernels/types.js';
import { checkDevice, formatDeviceCheck } from './doctor-device.js';
import type { Command } from './types.js';

/** The CUDA 12 and cuDNN 9 libraries onnxruntime-node's CUDA provider links against. */
export const CUDA_LIBRARIES = [
  'libcudart.so.12',
  'libcublas.so.12',
  'libcublasLt.so.12',
  'libcufft.so.11',
  'libcurand.so.10',
  'libcudnn.so.9',
] as const;

/** What `rocket doctor` inspects. Every probe is injectable, so tests can fake a GPU machine. */
export interface DoctorProbes {
  cpus(): { model: string }[];
  memory(): { totalBytes: number; freeBytes: number };
  probeGpus(): GpuProbe;
  /** onnxruntime-node's binary folder for this platform and the files in it. */
  providerFiles(): { dir: string; files: string[] };
  /** Execution providers this onnxruntime-node build knows (`bundled: false` = installed separately). */
  backends(): Promise<{ name: string; bundled: boolean }[]>;
  /** Where the dynamic loader would find `name` (LD_LIBRARY_PATH, then `ldconfig -p`), if anywhere. */
  findLibrary(name: string): string | undefined;
  /** Creates a CUDA session on the demo model; resolves with the error message, or undefined. */
  tryCuda(): Promise<string | undefined>;
}

/** One reason DEVICE=cuda would fail, and how to fix it. */
export interface Problem {
  problem: string;
  fix: string;
}

/** Everything `rocket doctor` found about the machine (`--json` prints this, plus the DEVICE check). */
export interface DoctorReport {
  cpu: { model: string; count: number };
  memory: { totalBytes: number; freeBytes: number };
  gpu: GpuProbe;
  /** Each execution provider onnxruntime-node knows, and whether it can load here (bundled or installed). */
  onnxruntime: { binDir: string; providers: { name: string; loadable: boolean }[] };
  libraries: { name: string; path: string | null }[];
  cuda: { works: boolean; problems: Problem[] };
}

const require = createRequire(import.meta.url);

function ldconfigCache(): Map<string, string> {
  const cache = new Map<string, string>();
  for (const bin of ['/sbin/ldconfig', '/usr/sbin/ldconfig', 'ldconfig']) {
    try {
      const out = execFileSync(bin, ['-p'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      for (const m of out.matchAll(/^\s*(\S+) \(([^)]*)\) => (\S+)$/gm)) {
        if (!cache.has(m[1] as string)) cache.set(m[1] as string, m[3] as string);
      }
      return cache;
    } catch {
      // not at this path (or not allowed): try the next
    }
  }
  return cache;
}

/** The real probes of this machine. */
export function systemProbes(env: NodeJS.ProcessEnv = process.env): DoctorProbes {
  let cache: Map<string, string> | undefined;
  const binDir = () =>
    join(
      dirname(require.resolve('onnxruntime-node/package.json')),
      'bin',
      'napi-v6',
      process.platform,
      process.arch,
    );
  return {
    cpus: () => cpus(),
    memory: () => ({ totalBytes: totalmem(), freeBytes: freemem() }),
    probeGpus: () => probeGpus(),
    providerFiles: () => ({ dir: binDir(), files: existsSync(binDir()) ? readdirSync(binDir()) : [] }),
    backends: async () => (await import('onnxruntime-node')).listSupportedBackends(),
    findLibrary(name) {
      for (const dir of (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter(Boolean)) {
        if (existsSync(join(dir, name))) return join(dir, name);
      }
      cache ??= ldconfigCache();
      return cache.get(name);
    },
    async tryCuda() {
      keepOrtTelemetryOff();
      const ort = (await import('onnxruntime-node')).default;
      try {
        const session = await ort.InferenceSession.create(buildDemoDetector(), {
          executionProviders: [{ name: 'cuda', deviceId: 0 }],
        });
        await session.release();
        return undefined;
      } catch (err) {
        return (err as Error).message.split('\n')[0];
      }
    },
  };
}

/** Looks at the machine and decides whether DEVICE=cuda would work; lists each problem with its fix. */
export async function diagnose(probes: DoctorProbes): Promise<DoctorReport> {
  const cpuList = probes.cpus();
  const gpu = probes.probeGpus();
  const { dir, files } = probes.providerFiles();
  const installed = (name: string) =>
    files.includes(`libonnxruntime_providers_${name}.so`) &&
    files.includes('libonnxruntime_providers_shared.so');
  const providers = (await probes.backends()).map((b) => ({
    name: b.name,
    loadable: b.bundled || installed(b.name),
  }));
  const libraries = CUDA_LIBRARIES.map((name) => ({ name, path: probes.findLibrary(name) ?? null }));
  const problems: Problem[] = [];
  if (gpu.devices.length === 0) {
    problems.push({
      problem: `no NVIDIA GPU is visible (${gpu.reason ?? 'the driver reports no device'})`,
      fix: 'run on a machine with an NVIDIA GPU and driver: docker run --gpus all (NVIDIA Container Toolkit), Kubernetes resources.limits nvidia.com/gpu: 1, Cloud Run --gpu 1 --gpu-type nvidia-l4',
    });
  }
  if (!providers.some((p) => p.name === 'cuda')) {
    problems.push({
      problem: `this onnxruntime-node build has no CUDA provider for ${process.platform}/${process.arch}`,
      fix: 'use linux/x64 (the CUDA provider is published for linux/x64 and win32/x64)',
    });
  } else if (!installed('cuda')) {
    problems.push({
      problem: `onnxruntime-node's CUDA provider is not installed (no libonnxruntime_providers_cuda.so in ${dir})`,
      fix: 'ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install.js, or build Dockerfile.gpu',
    });
  }
  const missing = libraries.filter((l) => !l.path).map((l) => l.name);
  if (missing.length > 0) {
    problems.push({
      problem: `CUDA 12 / cuDNN 9 libraries are not on the library path: ${missing.join(', ')}`,
      fix: 'use an nvidia/cuda:12.x-cudnn-runtime base image (Dockerfile.gpu does), or install the CUDA 12 runtime and cuDNN 9 and add their lib directories to LD_LIBRARY_PATH',
    });
  }
  if (problems.length === 0) {
    const error = await probes.tryCuda();
    if (error) {
      problems.push({
        problem: `onnxruntime could not create the CUDA provider: ${error}`,
        fix: 'check that the driver supports CUDA 12 (nvidia-smi) and that the libraries above are CUDA 12 / cuDNN 9 builds',
      });
    }
  }
  return {
    cpu: { model: cpuList[0]?.model.trim() || 'unknown', count: cpuList.length },
    memory: probes.memory(),
    gpu,
    onnxruntime: { binDir: dir, providers },
    libraries,
    cuda: { works: problems.length === 0, problems },
  };
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;

/** The report as people read it. */
export function formatReport(r: DoctorReport): string {
  const lines = [
    `CPU:     ${r.cpu.model} (${r.cpu.count} logical CPUs)`,
    `Memory:  ${gib(r.memory.totalBytes)} total, ${gib(r.memory.freeBytes)} free`,
    r.gpu.devices.length === 0
      ? `GPUs:    none (${r.gpu.reason ?? 'the driver reports no device'})`
      : `GPUs:    ${r.gpu.devices.length} (driver ${r.gpu.driverVersion ?? 'unknown'}, via ${r.gpu.library ?? '?'})`,
    ...r.gpu.devices.map((d) => `  [${d.index}] ${d.name}, ${gib(d.totalMemoryBytes)}`),
    `Execution providers (${r.onnxruntime.binDir}):`,
    ...r.onnxruntime.providers.map(
      (p) => `  ${p.name.padEnd(18)} ${p.loadable ? 'loadable' : 'not installed'}`,
    ),
    'CUDA 12 / cuDNN 9 libraries:',
    ...r.libraries.map((l) => `  ${l.name.padEnd(18)} ${l.path ?? 'not found'}`),
  ];
  if (r.cuda.works) lines.push('DEVICE=cuda: would work');
  else {
    lines.push('DEVICE=cuda: would fail here:');
    for (const p of r.cuda.problems) lines.push(`  - ${p.problem}\n    fix: ${p.fix}`);
    lines.push('DEVICE=cpu (or DEVICE=auto) runs on the CPU.');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `rocket doctor`: what hardware and libraries this machine has, whether DEVICE=cuda would work,
 * and whether the configured DEVICE can run (exit status 1 when not).
 */
export const doctorCommand: Command = {
  help: `Usage: rocket doctor [--json] [--config FILE]

Prints the CPU and memory; the GPUs the NVIDIA driver reports (name, memory, driver version); the
execution providers onnxruntime-node can load; whether the CUDA 12 and cuDNN 9 libraries are on
the library path; whether DEVICE=cuda would work here, with the fix for each problem; and whether
the configured DEVICE (config.ini or the environment) can run. Exits with status 1 when it cannot
(DEVICE=cuda or cuda:N on a machine where CUDA would fail); DEVICE=cpu and auto always can.

Options:
  --json            Print the report as JSON (with the configured DEVICE's check as "device")
  --config <file>   Read this config.ini instead of ./config.ini
  -h, --help        Show this help
`,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean', default: false }, config: { type: 'string' } },
    });
    const config = loadConfig({ file: values.config });
    const report = await diagnose(systemProbes());
    const device = checkDevice(config.DEVICE, report);
    process.stdout.write(
      values.json
        ? `${JSON.stringify({ ...report, device }, null, 2)}\n`
        : formatReport(report) + formatDeviceCheck(device),
    );
    if (!device.works) process.exitCode = 1;
  },
};
