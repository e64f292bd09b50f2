import { tensorOutputs } from '../../signature.js';
import { FACE } from '../faces.js';
import type { DetectLayout } from '../layout.js';
import { BGR_TOP_LEFT, DEFAULT_STRIDES, missingOutputs } from './strides.js';
import { floats, lastDim, rowsOf } from './tensors.js';

interface RetinafaceSettings {
  loc: string;
  conf: string;
  landmarks?: string;
  minSizes: number[][];
  steps: number[];
  variances: number[];
}

/** RetinaFace (biubug6/Pytorch_Retinaface) prior boxes. */
const DEFAULT_MIN_SIZES = [
  [16, 32],
  [64, 128],
  [256, 512],
];

/** RetinaFace: box, score and landmark regressions against generated priors. */
export const retinaface: DetectLayout = {
  name: 'retinaface',
  summary:
    'RetinaFace loc [.., N, 4], conf [.., N, 2] and landmarks [.., N, 10] against priors (min sizes [[16, 32], [64, 128], [256, 512]], steps [8, 16, 32], variances [0.1, 0.2])',
  configure({ signature, output, modelPath }) {
    const outputs = tensorOutputs(signature);
    // Named in rocket.json, or told apart by their last dimension.
    const find = (name: string | undefined, width: number) =>
      name ? outputs.find((o) => o.name === name)?.name : outputs.find((o) => lastDim(o) === width)?.name;
    const loc = find(output.boxes, 4);
    const conf = find(output.scores, 2);
    const landmarks = find(output.landmarks, 10);
    const absent = [output.boxes, output.scores, output.landmarks].filter(
      (name) => name !== undefined && !outputs.some((o) => o.name === name),
    );
    if (absent.length > 0) {
      throw missingOutputs(
        modelPath,
        'retinaface',
        `the outputs rocket.json names, but it has no ${absent.join(', ')}`,
        outputs,
      );
    }
    if (!loc || !conf) {
      throw missingOutputs(
        modelPath,
        'retinaface',
        'a loc output [.., N, 4] and a conf output [.., N, 2] (or output.boxes and output.scores naming them)',
        outputs,
      );
    }
    const settings: RetinafaceSettings = {
      loc,
      conf,
      ...(landmarks ? { landmarks } : {}),
      minSizes: output.minSizes ?? DEFAULT_MIN_SIZES,
      steps: output.strides ?? [...DEFAULT_STRIDES],
      variances: output.variances ?? [0.1, 0.2],
    };
    // The reference implementation's preprocessing: BGR 0..255 minus the mean (104, 117, 123).
    return {
      outputNames: [loc, conf, ...(landmarks ? [landmarks] : [])],
      settings,
      labels: FACE,
      preprocess: { ...BGR_TOP_LEFT, mean: [104, 117, 123], padValue: 0 },
    };
  },
  createDecoder(spec, kernels) {
    const s = spec.head.settings as RetinafaceSettings;
    const keypoints = s.landmarks ? 5 : 0;
    const { width: inputWidth, height: inputHeight } = spec.preprocess;
    return {
      capacity: (outputs) => rowsOf(outputs[s.loc], 4),
      keypoints,
      extras: 0,
      nmsFree: false,
      units: 'input',
      decode: (outputs, confThreshold, out) =>
        kernels.decodeRetinaface(
          floats(outputs[s.loc]),
          floats(outputs[s.conf]),
          s.landmarks ? floats(outputs[s.landmarks]) : null,
          {
            inputWidth,
            inputHeight,
            minSizes: s.minSizes,
            steps: s.steps,
            variances: s.variances,
            numKeypoints: keypoints,
            confThreshold,
          },
          out,
        ),
    };
  },
};
