import { RocketError } from '../../../errors.js';
import type { ModelSignature } from '../../../rocket/infer.js';
import { describeEntries, onlyOutput, rank, tensorOutputs } from '../../signature.js';
import type { DetectLayout } from '../layout.js';

/** The one `[1, N, 6]` output of an NMS-free export, or undefined. */
function rowsOf(signature: ModelSignature) {
  const only = onlyOutput(signature);
  return rank(only) === 3 && only?.dims[2] === 6 ? only : undefined;
}

/** NMS-free rows: YOLO26, YOLOv10, and any Ultralytics export made with `nms=True`. */
export const end2end: DetectLayout = {
  name: 'end2end',
  summary:
    '[1, N, 6]: x1, y1, x2, y2, score, class per row in input pixels, NMS already done (YOLO26, YOLOv10, nms=True)',
  recognise(signature, labels) {
    const rows = rowsOf(signature);
    if (!rows) return undefined;
    const { end2end: flag, args } = signature.metadata;
    if (flag === 'True') return `its metadata says end2end: True and output ${rows.name} is [${rows.dims}]`;
    if (args && /['"]nms['"]\s*:\s*True/.test(args)) {
      return `its metadata args say 'nms': True and output ${rows.name} is [${rows.dims}]`;
    }
    if (labels.length > 0 && labels.length !== 1) {
      return `output ${rows.name} [${rows.dims}] holds rows of 6 and there are ${labels.length} class names`;
    }
    return undefined;
  },
  configure({ signature, modelPath }) {
    const rows = rowsOf(signature);
    const n = rows?.dims[1];
    if (!rows || typeof n !== 'number') {
      throw new RocketError(
        'ROCKET_UNSUPPORTED',
        `Rocket ${modelPath}: output.format end2end needs one output [1, N, 6] with a fixed N; the model's outputs are ` +
          describeEntries(tensorOutputs(signature)),
      );
    }
    return { outputNames: [rows.name], settings: { numRows: n } };
  },
  createDecoder(spec, kernels) {
    const { numRows } = spec.head.settings as { numRows: number };
    const [output = ''] = spec.outputNames;
    return {
      capacity: () => numRows,
      keypoints: 0,
      extras: 0,
      nmsFree: true,
      units: 'input',
      decode: (outputs, confThreshold, out) =>
        kernels.decodeEnd2end(outputs[output]?.data as Float32Array, { numRows, confThreshold }, out),
    };
  },
};
