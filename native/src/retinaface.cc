// decodeRetinaface: RetinaFace loc/conf/landmarks against its priors → candidates above the
// confidence threshold (see decodeRetinaface in src/kernels/retinaface.ts).
#include <cmath>
#include <string>
#include <vector>

#include "bindings.h"
#include "candidates.h"
#include "decode_util.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {

size_t DecodeRetinaface(const float* loc, const float* conf, const float* landmarks,
                        const RetinafaceParams& p, float* boxes, float* scores, int32_t* classes,
                        float* keypoints) {
  const size_t k = p.num_keypoints;
  const double v0 = p.variances[0], v1 = p.variances[1];
  const double* sizes = p.min_sizes;
  size_t prior = 0, kept = 0;
  for (size_t level = 0; level < p.num_levels; sizes += p.level_sizes[level], level++) {
    const double step = p.steps[level];
    const size_t rows = static_cast<size_t>(std::ceil(p.input_height / step));
    const size_t cols = static_cast<size_t>(std::ceil(p.input_width / step));
    for (size_t i = 0; i < rows; i++) {
      const double pcy = (static_cast<double>(i) + 0.5) * step;
      for (size_t j = 0; j < cols; j++) {
        const double pcx = (static_cast<double>(j) + 0.5) * step;
        for (size_t z = 0; z < p.level_sizes[level]; z++) {
          const double m = sizes[z];
          const size_t at = prior++;
          const float score = conf[2 * at + 1];
          if (!(static_cast<double>(score) > p.conf_threshold)) continue;
          const float* l = loc + 4 * at;
          const double cx = pcx + static_cast<double>(l[0]) * v0 * m;
          const double cy = pcy + static_cast<double>(l[1]) * v0 * m;
          const double bw = m * std::exp(static_cast<double>(l[2]) * v1);
          const double bh = m * std::exp(static_cast<double>(l[3]) * v1);
          PutCentred(boxes, kept, cx, cy, bw / 2, bh / 2);
          for (size_t q = 0; q < k; q++) {
            const float* from = landmarks + 2 * (k * at + q);
            float* to = keypoints + 2 * (k * kept + q);
            to[0] = static_cast<float>(pcx + static_cast<double>(from[0]) * v0 * m);
            to[1] = static_cast<float>(pcy + static_cast<double>(from[1]) * v0 * m);
          }
          scores[kept] = score;
          classes[kept] = 0;
          kept++;
        }
      }
    }
  }
  return kept;
}

namespace {

// The prior layout of options, read and checked like minSizesOf, stepsOf and variancesOf in
// retinaface.ts.
struct Priors {
  std::vector<double> steps, min_sizes, variances;
  std::vector<size_t> level_sizes;
};

// options.minSizes: at least one level, each a non-empty array of positive finite sizes.
bool ReadMinSizes(napi_env env, napi_value o, Priors* r) {
  const std::string name = "options.minSizes";
  napi_value levels;
  uint32_t n = 0;
  if (!ArrayField(env, o, "options", "minSizes", &levels, &n) ||
      !AtLeast(env, n, 1, "entry", name.c_str())) {
    return false;
  }
  for (uint32_t k = 0; k < n; k++) {
    const std::string level_name = name + "[" + std::to_string(k) + "]";
    napi_value level;
    uint32_t m = 0;
    if (napi_get_element(env, levels, k, &level) != napi_ok) {
      ThrowNapiFailure(env);
      return false;
    }
    if (!ArrayValue(env, level, level_name, &m) ||
        !AtLeast(env, m, 1, "entry", level_name.c_str()) ||
        !NumberEntries(env, level, m, level_name, "a positive finite number", IsPositiveFinite,
                       &r->min_sizes)) {
      return false;
    }
    r->level_sizes.push_back(m);
  }
  return true;
}

// options.steps: one positive integer per level of minSizes.
bool ReadSteps(napi_env env, napi_value o, Priors* r) {
  const size_t levels = r->level_sizes.size();
  napi_value list;
  uint32_t n = 0;
  if (!ArrayField(env, o, "options", "steps", &list, &n)) return false;
  return Exactly(env, n, static_cast<double>(levels), "entries (one per level of minSizes)",
                 "options.steps") &&
         NumberEntries(env, list, n, "options.steps", "a positive integer", IsPositiveCount,
                       &r->steps);
}

// options.variances: exactly 2 positive finite numbers (centre, size).
bool ReadVariances(napi_env env, napi_value o, Priors* r) {
  napi_value list;
  uint32_t n = 0;
  if (!ArrayField(env, o, "options", "variances", &list, &n)) return false;
  return Exactly(env, n, 2, "entries", "options.variances") &&
         NumberEntries(env, list, n, "options.variances", "a positive finite number",
                       IsPositiveFinite, &r->variances);
}

}  // namespace

napi_value DecodeRetinafaceBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 5, argv);
  View loc, conf, landmarks;
  bool has_landmarks = false;
  Candidates out;
  Priors priors;
  double w = 0, h = 0, k = 0, threshold = 0;
  napi_value o = argv[3];
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "loc", &loc));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "conf", &conf));
  RS_CHECK(TypedOrNull(env, argv[2], napi_float32_array, "a Float32Array", "landmarks", &landmarks,
                       &has_landmarks));
  RS_CHECK(ObjectArg(env, o, "options"));
  RS_CHECK(PositiveField(env, o, "options", "inputWidth", &w));
  RS_CHECK(PositiveField(env, o, "options", "inputHeight", &h));
  RS_CHECK(ReadMinSizes(env, o, &priors));
  RS_CHECK(ReadSteps(env, o, &priors));
  RS_CHECK(ReadVariances(env, o, &priors));
  RS_CHECK(CountField(env, o, "options", "numKeypoints", &k));
  RS_CHECK(NumberField(env, o, "options", "confThreshold", &threshold));
  RS_CHECK(CandidatesArg(env, argv[4], k, &out));
  // Level k has ⌈h / step⌉ rows of ⌈w / step⌉ cells, one prior per min size in each cell.
  double n = 0;
  for (size_t level = 0; level < priors.steps.size(); level++) {
    const double step = priors.steps[level];
    n += std::ceil(h / step) * std::ceil(w / step) * static_cast<double>(priors.level_sizes[level]);
  }
  const std::string unit = JsNumber(n) + " priors";
  RS_CHECK(Exactly(env, static_cast<double>(loc.length), 4 * n, "floats (4 * " + unit + ")",
                   "loc.length"));
  RS_CHECK(Exactly(env, static_cast<double>(conf.length), 2 * n, "floats (2 * " + unit + ")",
                   "conf.length"));
  RS_CHECK(CheckLandmarks(env, has_landmarks, landmarks, "landmarks", k, n, unit));
  RS_CHECK(CheckCapacity(env, out, n, unit, k));
  RetinafaceParams p{};
  p.input_width = w;
  p.input_height = h;
  p.num_levels = priors.steps.size();
  p.steps = priors.steps.data();
  p.level_sizes = priors.level_sizes.data();
  p.min_sizes = priors.min_sizes.data();
  p.variances[0] = priors.variances[0];
  p.variances[1] = priors.variances[1];
  p.num_keypoints = static_cast<size_t>(k);
  p.conf_threshold = threshold;
  const bool with_landmarks = p.num_keypoints > 0;
  const size_t kept = DecodeRetinaface(
      static_cast<const float*>(loc.data), static_cast<const float*>(conf.data),
      with_landmarks ? static_cast<const float*>(landmarks.data) : nullptr, p, out.Boxes(),
      out.Scores(), out.Classes(), with_landmarks ? out.Keypoints() : nullptr);
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
