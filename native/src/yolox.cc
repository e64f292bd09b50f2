// decodeYolox: YOLOX raw heads → candidates above the confidence threshold (see decodeYolox in
// src/kernels/yolox.ts).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

// isCount(v) && v !== 0 of yolox.ts.
bool IsPositive(napi_env env, napi_value v, double* out) {
  napi_valuetype type = napi_undefined;
  return napi_typeof(env, v, &type) == napi_ok && type == napi_number &&
         napi_get_value_double(env, v, out) == napi_ok && std::isfinite(*out) &&
         std::trunc(*out) == *out && *out > 0 && *out <= kMaxSafeInteger;
}

// strideList of yolox.ts: a non-empty array of positive integers, each entry named in messages.
bool StrideList(napi_env env, napi_value obj, const char* key, const std::string& name,
                std::vector<double>* out) {
  napi_value v;
  bool is_array = false;
  uint32_t length = 0;
  if (!GetField(env, obj, key, &v)) return false;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) {
    return ThrowExpected(env, ErrorKind::kType, "an array", name, Shown(env, v));
  }
  if (napi_get_array_length(env, v, &length) != napi_ok) {
    ThrowNapiFailure(env);
    return false;
  }
  if (length == 0) return ThrowExpected(env, ErrorKind::kRange, "at least 1 entry", name, "0");
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    double s = 0;
    if (napi_get_element(env, v, i, &item) != napi_ok) {
      ThrowNapiFailure(env);
      return false;
    }
    if (!IsPositive(env, item, &s)) {
      return ThrowExpected(env, ErrorKind::kRange, "a positive integer",
                           name + "[" + std::to_string(i) + "]", Shown(env, item));
    }
    out->push_back(s);
  }
  return true;
}

bool PositiveOption(napi_env env, napi_value obj, const char* key, double* out) {
  napi_value v;
  if (!GetField(env, obj, key, &v)) return false;
  if (IsPositive(env, v, out)) return true;
  return ThrowExpected(env, ErrorKind::kRange, "a positive integer", std::string("options.") + key,
                       Shown(env, v));
}

}  // namespace

size_t DecodeYolox(const float* output, const YoloxParams& p, float* boxes, float* scores,
                   int32_t* classes) {
  const size_t nc = p.num_classes, row_length = 5 + nc;
  size_t kept = 0, i = 0;
  for (size_t k = 0; k < p.num_strides; k++) {
    const size_t stride = p.strides[k];
    const double s = static_cast<double>(stride);
    const size_t rows = p.input_height / stride, cols = p.input_width / stride;
    for (size_t gy = 0; gy < rows; gy++) {
      for (size_t gx = 0; gx < cols; gx++, i++) {
        const float* row = output + i * row_length;
        int32_t best = 0;
        float best_score = row[5];
        for (size_t c = 1; c < nc; c++) {
          const float v = row[5 + c];
          if (v > best_score) {
            best = static_cast<int32_t>(c);
            best_score = v;
          }
        }
        // Objectness × best class score, computed in float64 and rounded once (Math.fround).
        const float score = static_cast<float>(static_cast<double>(row[4]) * best_score);
        if (!(static_cast<double>(score) > p.conf_threshold)) continue;
        const double cx = (static_cast<double>(row[0]) + static_cast<double>(gx)) * s;
        const double cy = (static_cast<double>(row[1]) + static_cast<double>(gy)) * s;
        const double half_w = std::exp(static_cast<double>(row[2])) * s / 2;
        const double half_h = std::exp(static_cast<double>(row[3])) * s / 2;
        boxes[4 * kept] = static_cast<float>(cx - half_w);
        boxes[4 * kept + 1] = static_cast<float>(cy - half_h);
        boxes[4 * kept + 2] = static_cast<float>(cx + half_w);
        boxes[4 * kept + 3] = static_cast<float>(cy + half_h);
        scores[kept] = score;
        classes[kept] = best;
        kept++;
      }
    }
  }
  return kept;
}

napi_value DecodeYoloxBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View output, boxes, scores, classes;
  double nc = 0, width = 0, height = 0, conf = 0;
  std::vector<double> strides;
  napi_value field;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "output", &output));
  RS_CHECK(ObjectArg(env, argv[1], "options"));
  RS_CHECK(PositiveOption(env, argv[1], "numClasses", &nc));
  RS_CHECK(PositiveOption(env, argv[1], "inputWidth", &width));
  RS_CHECK(PositiveOption(env, argv[1], "inputHeight", &height));
  RS_CHECK(StrideList(env, argv[1], "strides", "options.strides", &strides));
  RS_CHECK(NumberField(env, argv[1], "options", "confThreshold", &conf));
  RS_CHECK(ObjectArg(env, argv[2], "out"));
  RS_CHECK(GetField(env, argv[2], "boxes", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.boxes", &boxes));
  RS_CHECK(GetField(env, argv[2], "scores", &field));
  RS_CHECK(TypedArg(env, field, napi_float32_array, "a Float32Array", "out.scores", &scores));
  RS_CHECK(GetField(env, argv[2], "classes", &field));
  RS_CHECK(TypedArg(env, field, napi_int32_array, "an Int32Array", "out.classes", &classes));
  double n = 0;
  for (const double s : strides) n += std::floor(height / s) * std::floor(width / s);
  const double len = n * (5 + nc);
  if (static_cast<double>(output.length) != len) {
    ThrowExpected(env, ErrorKind::kRange,
                  JsNumber(len) + " floats (" + JsNumber(n) + " anchors * (5 + numClasses))",
                  "output.length", JsNumber(static_cast<double>(output.length)));
    return nullptr;
  }
  RS_CHECK(AtLeast(env, static_cast<double>(boxes.length), 4 * n, "floats (4 * anchors)",
                   "out.boxes.length"));
  RS_CHECK(
      AtLeast(env, static_cast<double>(scores.length), n, "floats (anchors)", "out.scores.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(classes.length), n, "entries (anchors)",
                   "out.classes.length"));
  const std::vector<size_t> steps(strides.begin(), strides.end());
  const YoloxParams p{static_cast<size_t>(nc),
                      static_cast<size_t>(width),
                      static_cast<size_t>(height),
                      steps.data(),
                      steps.size(),
                      conf};
  const size_t kept =
      DecodeYolox(static_cast<const float*>(output.data), p, static_cast<float*>(boxes.data),
                  static_cast<float*>(scores.data), static_cast<int32_t*>(classes.data));
  napi_value result;
  RS_NAPI(env, napi_create_double(env, static_cast<double>(kept), &result));
  return result;
}

}  // namespace rs
