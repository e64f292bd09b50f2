import { RocketError } from '../errors.js';
import type { ModelInfo } from '../onnx/read.js';

/** Domains served by onnxruntime-extensions, an add-on library rocketserve does not load. */
const EXTENSION_DOMAINS = new Set(['ai.onnx.contrib']);

/**
 * Rejects models onnxruntime cannot load, before anything else reads them, with a message that
 * says why in the user's terms: no opset for the ONNX domain (very old IR versions), or custom
 * operators from onnxruntime-extensions.
 */
export function assertLoadable(modelPath: string, info: Pick<ModelInfo, 'irVersion' | 'opsetImports'>): void {
  const domains = info.opsetImports.map((o) => o.domain);
  if (!domains.some((d) => d === '' || d === 'ai.onnx')) {
    throw new RocketError(
      'MODEL_LOAD_FAILED',
      `Cannot load ${modelPath}: it declares no opset for the ONNX operator domain (IR version ${info.irVersion}), ` +
        'which onnxruntime requires. Re-export it with a current exporter (opset 7 or later).',
    );
  }
  const extensions = domains.filter((d) => EXTENSION_DOMAINS.has(d));
  if (extensions.length > 0) {
    throw new RocketError(
      'MODEL_LOAD_FAILED',
      `Cannot load ${modelPath}: it needs custom operators from ${extensions.join(', ')} ` +
        '(onnxruntime-extensions), which rocketserve does not register. Export the model without them, ' +
        'or move that processing out of the graph.',
    );
  }
}
