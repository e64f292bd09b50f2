import { tensorOutputs } from '../../signature.js';
import { FACE } from '../faces.js';
import type { DetectLayout } from '../layout.js';
import {
  BGR_TOP_LEFT,
  DEFAULT_STRIDES,
  type FaceLevel,
  gridsOf,
  levelDecoder,
  missingOutputs,
  namedPerStride,
  perStride,
} from './strides.js';
import { floats } from './tensors.js';

/** One YuNet stride: its outputs and its grid (one anchor per cell). */
interface YunetLevel extends FaceLevel {
  cls: string;
  obj: string;
  bbox: string;
}

/** OpenCV YuNet: per stride class and objectness scores, box offsets and 5 landmarks. */
export const yunet: DetectLayout = {
  name: 'yunet',
  summary: 'OpenCV YuNet: per stride cls_S, obj_S, bbox_S, kps_S; score = √(cls × obj); 5 landmarks',
  recognise(signature) {
    return ['cls', 'obj', 'bbox'].every((p) => namedPerStride(signature.outputs, p, DEFAULT_STRIDES))
      ? 'its outputs are named cls_8 … kps_32 (YuNet)'
      : undefined;
  },
  configure({ signature, output, modelPath, width, height }) {
    const outputs = tensorOutputs(signature);
    const strides = output.strides ?? [...DEFAULT_STRIDES];
    const byName = (prefix: string) => namedPerStride(outputs, prefix, strides)?.map((o) => o.name);
    const [cls, obj, bbox] = [byName('cls'), byName('obj'), byName('bbox')];
    const kps = perStride(outputs, 'kps', 10, strides)?.map((o) => o.name);
    if (!cls || !obj || !bbox) {
      throw missingOutputs(
        modelPath,
        'yunet',
        `outputs cls_S, obj_S and bbox_S for strides [${strides}]`,
        outputs,
      );
    }
    const levels: YunetLevel[] = gridsOf(strides, width, height).map((grid, i) => ({
      ...grid,
      anchorsPerCell: 1,
      cls: cls[i] ?? '',
      obj: obj[i] ?? '',
      bbox: bbox[i] ?? '',
      ...(kps ? { kps: kps[i] } : {}),
    }));
    // OpenCV's preprocessing: BGR 0..255, the image in the top-left corner of the padded input.
    return {
      outputNames: levels.flatMap((l) => [l.cls, l.obj, l.bbox, ...(l.kps ? [l.kps] : [])]),
      settings: { levels },
      labels: FACE,
      preprocess: { ...BGR_TOP_LEFT, padValue: 0 },
    };
  },
  createDecoder(spec, kernels) {
    const { levels } = spec.head.settings as { levels: YunetLevel[] };
    return levelDecoder(levels, (l, outputs, options, out) =>
      kernels.decodeYunet(
        floats(outputs[l.cls]),
        floats(outputs[l.obj]),
        floats(outputs[l.bbox]),
        l.kps ? floats(outputs[l.kps]) : null,
        options,
        out,
      ),
    );
  },
};
