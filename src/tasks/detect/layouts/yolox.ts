import { RocketError } from '../../../errors.js';
import { describeEntries, onlyOutput, rank, tensorOutputs } from '../../signature.js';
import type { DetectLayout } from '../layout.js';
import { BGR_TOP_LEFT, DEFAULT_STRIDES, gridsOf } from './strides.js';
import { floats } from './tensors.js';

interface YoloxSettings {
  numClasses: number;
  numAnchors: number;
  strides: number[];
}

/** YOLOX raw heads (exported with decode_in_inference=False): grids decoded here. */
export const yolox: DetectLayout = {
  name: 'yolox',
  summary:
    '[1, N, 5 + C] raw YOLOX heads: grid offsets and log sizes at strides 8/16/32, score = objectness × class',
  configure({ signature, output, modelPath, width, height }) {
    const head = onlyOutput(signature);
    const strides = output.strides ?? [...DEFAULT_STRIDES];
    const expected = gridsOf(strides, width, height).reduce((n, g) => n + g.gridWidth * g.gridHeight, 0);
    const [, n, columns] = head?.dims ?? [];
    if (!head || rank(head) !== 3 || n !== expected || typeof columns !== 'number' || columns < 6) {
      throw new RocketError(
        'ROCKET_UNSUPPORTED',
        `Rocket ${modelPath}: output.format yolox needs one output [1, ${expected}, 5 + classes] for a ` +
          `${width}×${height} input at strides [${strides}]; the model has ` +
          `${describeEntries(tensorOutputs(signature))}. Set output.strides or preprocess.size in rocket.json.`,
      );
    }
    const settings: YoloxSettings = { numClasses: columns - 5, numAnchors: expected, strides };
    // YOLOX's own preprocessing: BGR 0..255, resized into the top-left corner, padded with 114.
    return {
      outputNames: [head.name],
      settings,
      preprocess: { ...BGR_TOP_LEFT, padValue: 114 },
    };
  },
  createDecoder(spec, kernels) {
    const s = spec.head.settings as YoloxSettings;
    const [output = ''] = spec.outputNames;
    const { width: inputWidth, height: inputHeight } = spec.preprocess;
    return {
      capacity: () => s.numAnchors,
      keypoints: 0,
      extras: 0,
      nmsFree: false,
      units: 'input',
      decode: (outputs, confThreshold, out) =>
        kernels.decodeYolox(
          floats(outputs[output]),
          { numClasses: s.numClasses, inputWidth, inputHeight, strides: s.strides, confThreshold },
          out,
        ),
    };
  },
};
