// decodeYolo: YOLO head → candidates above the confidence threshold (see decodeYolo in
// reference.ts).
#include <string>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {

size_t DecodeYolo(const float* output, const YoloParams& p, float* boxes, float* scores,
                  int32_t* classes) {
  const size_t n = p.num_anchors, nc = p.num_classes;
  // Attribute a of anchor i lives at i * anchor_stride + a * attr_stride:
  // v8 is [4 + C][N] (attribute rows of N anchors), v5 is [N][5 + C] (one row per anchor).
  const size_t anchor_stride = p.v5 ? 5 + nc : 1;
  const size_t attr_stride = p.v5 ? 1 : n;
  const size_t first = p.v5 ? 5 : 4;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    const float* anchor = output + i * anchor_stride;
    auto at = [anchor, attr_stride](size_t a) { return anchor[a * attr_stride]; };
    int32_t best = 0;
    float best_score = at(first);
    for (size_t c = 1; c < nc; c++) {
      const float v = at(first + c);
      if (v > best_score) {
        best = static_cast<int32_t>(c);
        best_score = v;
      }
    }
    // v5: objectness × best class score, computed in float64 and rounded once (Math.fround).
    const float score =
        p.v5 ? static_cast<float>(static_cast<double>(at(4)) * best_score) : best_score;
    if (!(static_cast<double>(score) > p.conf_threshold)) continue;
    const double cx = at(0), cy = at(1);
    const double half_w = static_cast<double>(at(2)) / 2, half_h = static_cast<double>(at(3)) / 2;
    boxes[4 * kept] = static_cast<float>(cx - half_w);
    boxes[4 * kept + 1] = static_cast<float>(cy - half_h);
    boxes[4 * kept + 2] = static_cast<float>(cx + half_w);
    boxes[4 * kept + 3] = static_cast<float>(cy + half_h);
    scores[kept] = score;
    classes[kept] = best;
    kept++;
  }
  return kept;
}

napi_value DecodeYoloBinding(napi_env env, napi_callback_info info) {
  static const char* kLayouts[] = {"v8", "v5"};
  RS_ARGS(env, info, 3, argv);
  View output, boxes, scores, classes;
  size_t layout = 0;
  double nc = 0, n = 0, conf = 0;
  napi_value field;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "output", &output));
  RS_CHECK(ObjectArg(env, argv[1], "options"));
  RS_CHECK(ChoiceField(env, argv[1], "options", "layout", kLayouts, 2, "one of v8, v5", &layout));
  RS_CHECK(PositiveField(env, argv[1], "options", "numClasses", &nc));
  RS_CHECK(CountField(env, argv[1], "options", "numAnchors", &n));
  RS_CHECK(NumberField(env, argv[1], "options", "confThreshold", &conf));
  RS_CHECK(ObjectArg(env, argv[2], "out"));
  RS_CHECK(GetField(env, argv[2], "boxes", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.boxes", &boxes));
  RS_CHECK(GetField(env, argv[2], "scores", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.scores", &scores));
  RS_CHECK(GetField(env, argv[2], "classes", &field));
  RS_CHECK(TypedArg(env, field, napi_int32_array, "an Int32Array", "out.classes", &classes));
  const bool v5 = layout == 1;
  const double len = v5 ? n * (5 + nc) : (4 + nc) * n;
  if (static_cast<double>(output.length) != len) {
    const char* shape = v5 ? "numAnchors * (5 + numClasses)" : "(4 + numClasses) * numAnchors";
    ThrowExpected(env, ErrorKind::kRange, JsNumber(len) + " floats (" + shape + ")",
                  "output.length", JsNumber(static_cast<double>(output.length)));
    return nullptr;
  }
  RS_CHECK(AtLeast(env, static_cast<double>(boxes.length), 4 * n, "floats (4 * numAnchors)",
                   "out.boxes.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(scores.length), n, "floats (numAnchors)",
                   "out.scores.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(classes.length), n, "entries (numAnchors)",
                   "out.classes.length"));
  const YoloParams p{v5, static_cast<size_t>(nc), static_cast<size_t>(n), conf};
  const size_t kept =
      DecodeYolo(static_cast<const float*>(output.data), p, static_cast<float*>(boxes.data),
                 static_cast<float*>(scores.data), static_cast<int32_t*>(classes.data));
  napi_value result;
  RS_NAPI(env, napi_create_double(env, static_cast<double>(kept), &result));
  return result;
}

}  // namespace rs
