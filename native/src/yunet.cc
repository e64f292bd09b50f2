// decodeYunet: one stride of OpenCV's YuNet face detector → candidates above the confidence
// threshold (see decodeYunet in src/kernels/yunet.ts).
#include <cmath>
#include <cstdint>
#include <string>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool AsNumber(napi_env env, napi_value v, double* out) {
  napi_valuetype type = napi_undefined;
  return napi_typeof(env, v, &type) == napi_ok && type == napi_number &&
         napi_get_value_double(env, v, out) == napi_ok;
}

// A positive integer option (isCount(v) && v !== 0 of yunet.ts).
bool PositiveOption(napi_env env, napi_value obj, const char* key, double* out) {
  napi_value v;
  if (!GetField(env, obj, key, &v)) return false;
  if (AsNumber(env, v, out) && std::isfinite(*out) && std::trunc(*out) == *out && *out > 0 &&
      *out <= kMaxSafeInteger) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kRange, "a positive integer", std::string("options.") + key,
                       Shown(env, v));
}

// options.anchorsPerCell must be exactly 1 (YuNet has one anchor per cell).
bool OneAnchorPerCell(napi_env env, napi_value obj) {
  napi_value v;
  double d = 0;
  if (!GetField(env, obj, "anchorsPerCell", &v)) return false;
  if (AsNumber(env, v, &d) && d == 1) return true;
  return ThrowExpected(env, ErrorKind::kRange, "1 (YuNet)", "options.anchorsPerCell",
                       Shown(env, v));
}

// floatsOrNull of yunet.ts: null (*present = false) or a Float32Array (*present = true).
bool FloatsOrNull(napi_env env, napi_value v, const char* name, View* out, bool* present) {
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_null) {
    *out = View{};
    *present = false;
    return true;
  }
  *present = true;
  return TypedArg(env, v, napi_float32_array, "a Float32Array or null", name, out);
}

bool ExactLength(napi_env env, const View& v, double len, const char* shape, const char* name) {
  if (static_cast<double>(v.length) == len) return true;
  return ThrowExpected(env, ErrorKind::kRange, JsNumber(len) + " floats (" + shape + ")", name,
                       JsNumber(static_cast<double>(v.length)));
}

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
      const float* b = bbox + 4 * i;
      const double cx = (static_cast<double>(b[0]) + c) * s;
      const double cy = (static_cast<double>(b[1]) + r) * s;
      const double half_w = std::exp(static_cast<double>(b[2])) * s / 2;
      const double half_h = std::exp(static_cast<double>(b[3])) * s / 2;
      boxes[4 * kept] = static_cast<float>(cx - half_w);
      boxes[4 * kept + 1] = static_cast<float>(cy - half_h);
      boxes[4 * kept + 2] = static_cast<float>(cx + half_w);
      boxes[4 * kept + 3] = static_cast<float>(cy + half_h);
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
  View cls, obj, bbox, kps, boxes, scores, classes, keypoints;
  double stride = 0, gw = 0, gh = 0, nk = 0, conf = 0;
  napi_value field;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "cls", &cls));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "obj", &obj));
  RS_CHECK(TypedArg(env, argv[2], napi_float32_array, "a Float32Array", "bbox", &bbox));
  bool has_kps = false;
  RS_CHECK(FloatsOrNull(env, argv[3], "kps", &kps, &has_kps));
  RS_CHECK(ObjectArg(env, argv[4], "options"));
  RS_CHECK(PositiveOption(env, argv[4], "stride", &stride));
  RS_CHECK(PositiveOption(env, argv[4], "gridWidth", &gw));
  RS_CHECK(PositiveOption(env, argv[4], "gridHeight", &gh));
  RS_CHECK(OneAnchorPerCell(env, argv[4]));
  RS_CHECK(CountField(env, argv[4], "options", "numKeypoints", &nk));
  RS_CHECK(NumberField(env, argv[4], "options", "confThreshold", &conf));
  RS_CHECK(ObjectArg(env, argv[5], "out"));
  RS_CHECK(GetField(env, argv[5], "boxes", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.boxes", &boxes));
  RS_CHECK(GetField(env, argv[5], "scores", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.scores", &scores));
  RS_CHECK(GetField(env, argv[5], "classes", &field));
  RS_CHECK(TypedArg(env, field, napi_int32_array, "an Int32Array", "out.classes", &classes));
  if (nk > 0) {
    RS_CHECK(GetField(env, argv[5], "keypoints", &field));
    RS_CHECK(
        TypedArg(env, field, napi_float32_array, "a Float32Array", "out.keypoints", &keypoints));
  }
  const double n = gw * gh;
  RS_CHECK(ExactLength(env, cls, n, "gridWidth * gridHeight", "cls.length"));
  RS_CHECK(ExactLength(env, obj, n, "gridWidth * gridHeight", "obj.length"));
  RS_CHECK(ExactLength(env, bbox, 4 * n, "4 * gridWidth * gridHeight", "bbox.length"));
  const double kp_len = 2 * nk * n;
  const char* kp_shape = "2 * numKeypoints * gridWidth * gridHeight";
  if (!has_kps) {
    if (nk > 0) {
      ThrowExpected(env, ErrorKind::kRange, JsNumber(kp_len) + " floats (" + kp_shape + ")", "kps",
                    "null");
      return nullptr;
    }
  } else {
    RS_CHECK(ExactLength(env, kps, kp_len, kp_shape, "kps.length"));
  }
  RS_CHECK(AtLeast(env, static_cast<double>(boxes.length), 4 * n,
                   "floats (4 * gridWidth * gridHeight)", "out.boxes.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(scores.length), n, "floats (gridWidth * gridHeight)",
                   "out.scores.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(classes.length), n, "entries (gridWidth * gridHeight)",
                   "out.classes.length"));
  if (nk > 0) {
    RS_CHECK(AtLeast(env, static_cast<double>(keypoints.length), kp_len,
                     "floats (2 * numKeypoints * gridWidth * gridHeight)", "out.keypoints.length"));
  }
  const YunetParams p{static_cast<size_t>(stride), static_cast<size_t>(gw), static_cast<size_t>(gh),
                      static_cast<size_t>(nk), conf};
  const bool with_kps = nk > 0;
  const size_t kept = DecodeYunet(
      static_cast<const float*>(cls.data), static_cast<const float*>(obj.data),
      static_cast<const float*>(bbox.data),
      with_kps ? static_cast<const float*>(kps.data) : nullptr, p, static_cast<float*>(boxes.data),
      static_cast<float*>(scores.data), static_cast<int32_t*>(classes.data),
      with_kps ? static_cast<float*>(keypoints.data) : nullptr);
  napi_value result;
  RS_NAPI(env, napi_create_double(env, static_cast<double>(kept), &result));
  return result;
}

}  // namespace rs
