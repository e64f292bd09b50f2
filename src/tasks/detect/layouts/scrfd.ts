import { tensorOutputs } from '../../signature.js';
import { FACE } from '../faces.js';
import type { DetectLayout } from '../layout.js';
import {
  DEFAULT_STRIDES,
  type FaceLevel,
  gridsOf,
  levelDecoder,
  missingOutputs,
  namedPerStride,
  perStride,
} from './strides.js';
import { anchorCount, floats } from './tensors.js';

/** One SCRFD stride: its outputs and its grid. */
interface ScrfdLevel extends FaceLevel {
  scores: string;
  bbox: string;
}

/** InsightFace SCRFD: per stride scores, distances to the box sides and 5 landmarks. */
export const scrfd: DetectLayout = {
  name: 'scrfd',
  summary:
    'InsightFace SCRFD: per stride (8, 16, 32) score_S, bbox_S (distances × S), kps_S; 2 anchors per cell; 5 landmarks',
  recognise(signature) {
    return ['score', 'bbox'].every((p) => namedPerStride(signature.outputs, p, DEFAULT_STRIDES))
      ? 'its outputs are named score_8 … bbox_32 (SCRFD)'
      : undefined;
  },
  configure({ signature, output, modelPath, width, height }) {
    const outputs = tensorOutputs(signature);
    const strides = output.strides ?? [...DEFAULT_STRIDES];
    const scores = perStride(outputs, 'score', 1, strides);
    const bbox = perStride(outputs, 'bbox', 4, strides);
    const kps = perStride(outputs, 'kps', 10, strides);
    if (!scores || !bbox) {
      throw missingOutputs(modelPath, 'scrfd', `score and bbox outputs for strides [${strides}]`, outputs);
    }
    const levels: ScrfdLevel[] = gridsOf(strides, width, height).map((grid, i) => {
      const cells = grid.gridWidth * grid.gridHeight;
      const anchors = anchorCount(scores[i]) ?? 2 * cells;
      return {
        ...grid,
        scores: scores[i]?.name ?? '',
        bbox: bbox[i]?.name ?? '',
        ...(kps ? { kps: kps[i]?.name } : {}),
        anchorsPerCell: Math.max(1, Math.round(anchors / cells)),
      };
    });
    // InsightFace's preprocessing: RGB, (pixel − 127.5) / 128, resized into the top-left corner.
    return {
      outputNames: levels.flatMap((l) => [l.scores, l.bbox, ...(l.kps ? [l.kps] : [])]),
      settings: { levels },
      labels: FACE,
      preprocess: {
        channelOrder: 'rgb',
        scale: 1,
        mean: [127.5, 127.5, 127.5],
        std: [128, 128, 128],
        align: 'top-left',
        padValue: 0,
      },
    };
  },
  createDecoder(spec, kernels) {
    const { levels } = spec.head.settings as { levels: ScrfdLevel[] };
    return levelDecoder(levels, (l, outputs, options, out) =>
      kernels.decodeScrfd(
        floats(outputs[l.scores]),
        floats(outputs[l.bbox]),
        l.kps ? floats(outputs[l.kps]) : null,
        options,
        out,
      ),
    );
  },
};
