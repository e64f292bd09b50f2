// decodeYunet: one stride of OpenCV's YuNet face detector → candidates above the confidence
// threshold (see decodeYunet in src/kernels/yunet.ts).
#include <cmath>
#include <cstdint>
#include <string>

#include "bindings.h"
#include "candidates.h"
#include "decode_util.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// options.anchorsPerCell must be exactly 1 (YuNet has one anchor per cell).
bool IsOne(double v) { return v == 1; }

// Into [0, 1] by comparisons: NaN stays NaN, so its score is NaN and never kept.
double Clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

}  // namespace

size_t DecodeYunet(const float* cls, const float* obj, const float* bbox, const float* kps,
                   const YunetParams& p, float* boxes, float* scores, int32_t* classes,
                   float* keypoints) {
  const double s = static_cast<double>(p.stride);
  const size_t kp = 2 * p.num_keypoints;
  size_t kept = 0, i = 0;
  for (size_t row = 0; row < p.grid_height; row++) {
    const double r = static_cast<double>(row);
    for (size_t col = 0; col < p.grid_width; col++, i++) {
      const double c = static_cast<double>(col);
      const float score = static_cast<float>(std::sqrt(Clamp01(cls[i]) * Clamp01(obj[i])));
      if (!(static_cast<double>(score) > p.conf_threshold)) continue;
      PutGridBox(boxes, kept, bbox + 4 * i, c, r, s);
      if (keypoints != nullptr && kps != nullptr) {
        const float* from = kps + kp * i;
        float* to = keypoints + kp * kept;
        for (size_t q = 0; q < kp; q += 2) {
          to[q] = static_cast<float>((static_cast<double>(from[q]) + c) * s);
          to[q + 1] = static_cast<float>((static_cast<double>(from[q + 1]) + r) * s);
        }
      }
      scores[kept] = score;
      classes[kept] = 0;
      kept++;
    }
  }
  return kept;
}

napi_value DecodeYunetBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 6, argv);
  View cls, obj, bbox, kps;
  bool has_kps = false;
  Candidates out;
  double stride = 0, gw = 0, gh = 0, one = 0, nk = 0, conf = 0;
  napi_value o = argv[4];
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "cls", &cls));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "obj", &obj));
  RS_CHECK(TypedArg(env, argv[2], napi_float32_array, "a Float32Array", "bbox", &bbox));
  RS_CHECK(TypedOrNull(env, argv[3], napi_float32_array, "a Float32Array", "kps", &kps, &has_kps));
  RS_CHECK(ObjectArg(env, o, "options"));
  RS_CHECK(PositiveField(env, o, "options", "stride", &stride));
  RS_CHECK(PositiveField(env, o, "options", "gridWidth", &gw));
  RS_CHECK(PositiveField(env, o, "options", "gridHeight", &gh));
  RS_CHECK(NumberFieldIf(env, o, "options", "anchorsPerCell", "1 (YuNet)", IsOne, &one));
  RS_CHECK(CountField(env, o, "options", "numKeypoints", &nk));
  RS_CHECK(NumberField(env, o, "options", "confThreshold", &conf));
  RS_CHECK(CandidatesArg(env, argv[5], nk, &out));
  const double n = gw * gh;
  const std::string cells = "gridWidth * gridHeight";
  RS_CHECK(
      Exactly(env, static_cast<double>(cls.length), n, "floats (" + cells + ")", "cls.length"));
  RS_CHECK(
      Exactly(env, static_cast<double>(obj.length), n, "floats (" + cells + ")", "obj.length"));
  RS_CHECK(Exactly(env, static_cast<double>(bbox.length), 4 * n, "floats (4 * " + cells + ")",
                   "bbox.length"));
  RS_CHECK(CheckLandmarks(env, has_kps, kps, "kps", nk, n, cells));
  RS_CHECK(CheckCapacity(env, out, n, cells, nk));
  const YunetParams p{static_cast<size_t>(stride), static_cast<size_t>(gw), static_cast<size_t>(gh),
                      static_cast<size_t>(nk), conf};
  const bool with_kps = nk > 0;
  const size_t kept =
      DecodeYunet(static_cast<const float*>(cls.data), static_cast<const float*>(obj.data),
                  static_cast<const float*>(bbox.data),
                  with_kps ? static_cast<const float*>(kps.data) : nullptr, p, out.Boxes(),
                  out.Scores(), out.Classes(), with_kps ? out.Keypoints() : nullptr);
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
