import type { Device } from '../config/options.js';
import type { GpuProbe } from '../kernels/types.js';

/** An execution-provider choice to try, with the label reported by /health and the logs. */
export interface ProviderCandidate {
  label: string;
  executionProviders: ({ name: 'cpu' } | { name: 'cuda'; deviceId: number })[];
  /** When true, failing to create this provider is fatal (DEVICE asked for it explicitly). */
  required: boolean;
}

/**
 * The providers to try for a DEVICE, in order. `auto` tries CUDA device 0 only when the driver
 * probe saw a GPU, and falls back to the CPU.
 */
export function providerCandidates(device: Device, gpus: GpuProbe): ProviderCandidate[] {
  const cpu: ProviderCandidate = { label: 'cpu', executionProviders: [{ name: 'cpu' }], required: true };
  const cuda = (deviceId: number, required: boolean): ProviderCandidate => ({
    label: `cuda:${deviceId}`,
    executionProviders: [{ name: 'cuda', deviceId }],
    required,
  });
  switch (device.kind) {
    case 'cpu':
      return [cpu];
    case 'cuda':
      return [cuda(device.deviceId, true)];
    case 'auto':
      return gpus.devices.length > 0 ? [cuda(0, false), cpu] : [cpu];
  }
}

/** Says why a CUDA provider could not be created, and how to fix it. */
export function explainProviderFailure(label: string, error: string, gpus: GpuProbe): string {
  const reasons: string[] = [];
  if (gpus.devices.length === 0) {
    reasons.push(`no NVIDIA GPU is visible (${gpus.reason ?? 'the driver reports no device'})`);
  }
  if (/shared librar|cannot open|\.so/i.test(error)) {
    reasons.push(
      "onnxruntime-node's CUDA provider binaries are missing: install with ONNXRUNTIME_NODE_INSTALL=cuda12 " +
        '(Dockerfile.gpu does) and make sure CUDA 12 and cuDNN 9 libraries are on the library path',
    );
  }
  const deviceId = Number(label.split(':')[1] ?? 0);
  if (gpus.devices.length > 0 && deviceId >= gpus.devices.length) {
    reasons.push(`DEVICE asks for GPU ${deviceId} but only ${gpus.devices.length} GPU(s) are visible`);
  }
  if (reasons.length === 0) reasons.push('see the onnxruntime error above');
  return `Cannot create the CUDA execution provider for DEVICE=${label}: ${error.split('\n')[0]}\nLikely causes:\n  - ${reasons.join('\n  - ')}\nUse DEVICE=cpu (or auto) to run on the CPU.`;
}
