import type { WorkerInit } from '../../src/inference/messages.js';
import type { RocketSpec } from '../../src/rocket/types.js';

/** What a test pool's workers are told: `spec` on the CPU, one intra-op thread, the native kernels. */
export function cpuWorkerInit(spec: RocketSpec, batchMax = 1): WorkerInit {
  return {
    spec,
    candidates: [{ label: 'cpu', executionProviders: [{ name: 'cpu' }], required: true }],
    modelPath: spec.modelPath,
    intraOpThreads: 1,
    spinning: true,
    kernels: 'native',
    batchMax,
    nice: 0,
    optimizedModelDir: null,
    savesOptimizedModel: true,
  };
}
