// decodeBoxes: separate boxes [N, 4] and scores [N, C] → candidates above the confidence threshold
// (see decodeBoxes in src/kernels/boxes.ts).
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "bindings.h"
#include "candidates.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// options.background: an integer in [−1, numClasses) (Number.isInteger(v) && v >= -1 && v < nc).
bool BackgroundField(napi_env env, napi_value obj, double nc, double* out) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (!GetField(env, obj, "background", &v)) return false;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_number &&
      napi_get_value_double(env, v, out) == napi_ok && std::isfinite(*out) &&
      std::trunc(*out) == *out && *out >= -1 && *out < nc) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kRange, "an integer from -1 to " + JsNumber(nc - 1),
                       "options.background", Shown(env, v));
}

}  // namespace

size_t DecodeBoxes(const float* boxes, const float* scores, const int32_t* labels,
                   const BoxesParams& p, float* out_boxes, float* out_scores,
                   int32_t* out_classes) {
  const size_t nc = p.num_classes;
  const int64_t bg = p.background;
  const size_t first = bg == 0 ? 1 : 0;  // the first column that may be chosen
  std::vector<double> e(p.activation == ScoreActivation::kSoftmax ? nc : 0);
  size_t kept = 0;
  for (size_t i = 0; i < p.count; i++) {
    const float* row = scores + i * nc;
    double sum = 0;
    if (p.activation == ScoreActivation::kSoftmax) {
      // Like Softmax: max-subtracted, float64 sum, over the whole row (background included).
      double m = -std::numeric_limits<double>::infinity();
      for (size_t c = 0; c < nc; c++) {
        if (row[c] > m) m = row[c];
      }
      for (size_t c = 0; c < nc; c++) {
        e[c] = std::exp(static_cast<double>(row[c]) - m);
        sum += e[c];
      }
    }
    auto value = [&](size_t c) -> double {
      switch (p.activation) {
        case ScoreActivation::kSigmoid:
          return 1 / (1 + std::exp(-static_cast<double>(row[c])));
        case ScoreActivation::kSoftmax:
          return e[c] / sum;
        case ScoreActivation::kNone:
          break;
      }
      return row[c];
    };
    size_t best = first;
    double best_value = value(first);
    for (size_t c = first + 1; c < nc; c++) {
      if (static_cast<int64_t>(c) == bg) continue;
      const double v = value(c);
      if (v > best_value) {
        best = c;
        best_value = v;
      }
    }
    const float score = static_cast<float>(best_value);
    if (!(static_cast<double>(score) > p.conf_threshold)) continue;
    const double a = boxes[4 * i], b = boxes[4 * i + 1], c = boxes[4 * i + 2], d = boxes[4 * i + 3];
    double x1 = a, y1 = b, x2 = c, y2 = d;
    if (p.format == BoxFormat::kCxcywh) {
      const double half_w = c / 2, half_h = d / 2;
      x1 = a - half_w;
      y1 = b - half_h;
      x2 = a + half_w;
      y2 = b + half_h;
    } else if (p.format == BoxFormat::kYxyx) {
      x1 = b;
      y1 = a;
      x2 = d;
      y2 = c;
    }
    out_boxes[4 * kept] = static_cast<float>(x1 * p.scale_x);
    out_boxes[4 * kept + 1] = static_cast<float>(y1 * p.scale_y);
    out_boxes[4 * kept + 2] = static_cast<float>(x2 * p.scale_x);
    out_boxes[4 * kept + 3] = static_cast<float>(y2 * p.scale_y);
    out_scores[kept] = score;
    const int64_t column = static_cast<int64_t>(best);
    out_classes[kept] = labels != nullptr
                            ? labels[i]
                            : static_cast<int32_t>(bg >= 0 && column > bg ? column - 1 : column);
    kept++;
  }
  return kept;
}

napi_value DecodeBoxesBinding(napi_env env, napi_callback_info info) {
  static const char* kFormats[] = {"xyxy", "cxcywh", "yxyx"};
  static const char* kActivations[] = {"none", "sigmoid", "softmax"};
  RS_ARGS(env, info, 5, argv);
  View boxes, scores, labels;
  bool has_labels = false;
  Candidates out;
  size_t format = 0, activation = 0;
  double n = 0, nc = 0, scale_x = 0, scale_y = 0, bg = 0, conf = 0;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "boxes", &boxes));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "scores", &scores));
  RS_CHECK(
      TypedOrNull(env, argv[2], napi_int32_array, "an Int32Array", "labels", &labels, &has_labels));
  RS_CHECK(ObjectArg(env, argv[3], "options"));
  RS_CHECK(CountField(env, argv[3], "options", "count", &n));
  RS_CHECK(PositiveField(env, argv[3], "options", "numClasses", &nc));
  if (has_labels && nc != 1) {
    ThrowExpected(env, ErrorKind::kRange, "1 (labels given)", "options.numClasses", JsNumber(nc));
    return nullptr;
  }
  RS_CHECK(ChoiceField(env, argv[3], "options", "boxFormat", kFormats, 3,
                       "one of xyxy, cxcywh, yxyx", &format));
  RS_CHECK(FiniteField(env, argv[3], "options", "scaleX", &scale_x));
  RS_CHECK(FiniteField(env, argv[3], "options", "scaleY", &scale_y));
  RS_CHECK(ChoiceField(env, argv[3], "options", "activation", kActivations, 3,
                       "one of none, sigmoid, softmax", &activation));
  RS_CHECK(BackgroundField(env, argv[3], nc, &bg));
  if (bg >= 0 && nc < 2) {
    ThrowExpected(env, ErrorKind::kRange, "at least 2 (background given)", "options.numClasses",
                  JsNumber(nc));
    return nullptr;
  }
  RS_CHECK(NumberField(env, argv[3], "options", "confThreshold", &conf));
  RS_CHECK(CandidatesArg(env, argv[4], 0, &out));
  RS_CHECK(
      Exactly(env, static_cast<double>(boxes.length), n * 4, "floats (count * 4)", "boxes.length"));
  RS_CHECK(Exactly(env, static_cast<double>(scores.length), n * nc, "floats (count * numClasses)",
                   "scores.length"));
  if (has_labels) {
    RS_CHECK(
        Exactly(env, static_cast<double>(labels.length), n, "entries (count)", "labels.length"));
  }
  RS_CHECK(CheckCapacity(env, out, n, "count"));
  const BoxesParams p{static_cast<size_t>(n),
                      static_cast<size_t>(nc),
                      static_cast<BoxFormat>(format),
                      scale_x,
                      scale_y,
                      static_cast<ScoreActivation>(activation),
                      static_cast<int64_t>(bg),
                      conf};
  const size_t kept =
      DecodeBoxes(static_cast<const float*>(boxes.data), static_cast<const float*>(scores.data),
                  has_labels ? static_cast<const int32_t*>(labels.data) : nullptr, p, out.Boxes(),
                  out.Scores(), out.Classes());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
