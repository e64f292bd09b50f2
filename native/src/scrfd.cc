// decodeScrfd: one SCRFD stride → candidates above the confidence threshold (see decodeScrfd in
// src/kernels/scrfd.ts).
#include <string>

#include "bindings.h"
#include "candidates.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {

size_t DecodeScrfd(const float* scores, const float* bbox, const float* kps, const ScrfdParams& p,
                   float* out_boxes, float* out_scores, int32_t* out_classes, float* keypoints) {
  const size_t n = p.grid_width * p.grid_height * p.anchors_per_cell, k = p.num_keypoints;
  const double s = p.stride;
  // Anchors are listed cell by cell (row by row), anchors_per_cell consecutive anchors per cell,
  // all centred on the cell's top-left corner (col × s, row × s) as in InsightFace.
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    const float score = scores[i];
    if (!(static_cast<double>(score) > p.conf_threshold)) continue;
    const size_t cell = i / p.anchors_per_cell;
    const double cx = static_cast<double>(cell % p.grid_width) * s;
    const double cy = static_cast<double>(cell / p.grid_width) * s;
    const float* d = bbox + 4 * i;
    float* box = out_boxes + 4 * kept;
    box[0] = static_cast<float>(cx - static_cast<double>(d[0]) * s);
    box[1] = static_cast<float>(cy - static_cast<double>(d[1]) * s);
    box[2] = static_cast<float>(cx + static_cast<double>(d[2]) * s);
    box[3] = static_cast<float>(cy + static_cast<double>(d[3]) * s);
    for (size_t j = 0; j < k; j++) {
      const float* from = kps + 2 * (k * i + j);
      float* to = keypoints + 2 * (k * kept + j);
      to[0] = static_cast<float>(cx + static_cast<double>(from[0]) * s);
      to[1] = static_cast<float>(cy + static_cast<double>(from[1]) * s);
    }
    out_scores[kept] = score;
    out_classes[kept] = 0;
    kept++;
  }
  return kept;
}

napi_value DecodeScrfdBinding(napi_env env, napi_callback_info info) {
  const std::string anchors = "gridWidth * gridHeight * anchorsPerCell";
  RS_ARGS(env, info, 5, argv);
  View scores, bbox, kps;
  bool has_kps = false;
  Candidates out;
  double s = 0, gw = 0, gh = 0, apc = 0, k = 0, conf = 0;
  napi_value o = argv[3];
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "scores", &scores));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "bbox", &bbox));
  RS_CHECK(TypedOrNull(env, argv[2], napi_float32_array, "a Float32Array", "kps", &kps, &has_kps));
  RS_CHECK(ObjectArg(env, o, "options"));
  RS_CHECK(PositiveField(env, o, "options", "stride", &s));
  RS_CHECK(PositiveField(env, o, "options", "gridWidth", &gw));
  RS_CHECK(PositiveField(env, o, "options", "gridHeight", &gh));
  RS_CHECK(PositiveField(env, o, "options", "anchorsPerCell", &apc));
  RS_CHECK(CountField(env, o, "options", "numKeypoints", &k));
  RS_CHECK(NumberField(env, o, "options", "confThreshold", &conf));
  RS_CHECK(CandidatesArg(env, argv[4], k, &out));
  const double n = gw * gh * apc;
  RS_CHECK(Exactly(env, static_cast<double>(scores.length), n, "floats (" + anchors + ")",
                   "scores.length"));
  RS_CHECK(Exactly(env, static_cast<double>(bbox.length), 4 * n, "floats (4 * " + anchors + ")",
                   "bbox.length"));
  RS_CHECK(CheckLandmarks(env, has_kps, kps, "kps", k, n, anchors));
  RS_CHECK(CheckCapacity(env, out, n, anchors, k));
  const ScrfdParams p{s,
                      static_cast<size_t>(gw),
                      static_cast<size_t>(gh),
                      static_cast<size_t>(apc),
                      static_cast<size_t>(k),
                      conf};
  const bool with_kps = p.num_keypoints > 0;
  const size_t kept =
      DecodeScrfd(static_cast<const float*>(scores.data), static_cast<const float*>(bbox.data),
                  with_kps ? static_cast<const float*>(kps.data) : nullptr, p, out.Boxes(),
                  out.Scores(), out.Classes(), with_kps ? out.Keypoints() : nullptr);
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
