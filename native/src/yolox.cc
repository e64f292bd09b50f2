// decodeYolox: YOLOX raw heads → candidates above the confidence threshold (see decodeYolox in
// src/kernels/yolox.ts).
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "bindings.h"
#include "candidates.h"
#include "decode_util.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// strideList of yolox.ts: a non-empty array of positive integers, each entry named in messages.
bool StrideList(napi_env env, napi_value obj, std::vector<double>* out) {
  const char* name = "options.strides";
  napi_value list;
  uint32_t length = 0;
  return ArrayField(env, obj, "options", "strides", &list, &length) &&
         AtLeast(env, length, 1, "entry", name) &&
         NumberEntries(env, list, length, name, "a positive integer", IsPositiveCount, out);
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
        const size_t best = BestClass(row + 5, 1, nc);
        // Objectness × best class score, computed in float64 and rounded once (Math.fround).
        const float score = static_cast<float>(static_cast<double>(row[4]) * row[5 + best]);
        if (!(static_cast<double>(score) > p.conf_threshold)) continue;
        PutGridBox(boxes, kept, row, static_cast<double>(gx), static_cast<double>(gy), s);
        scores[kept] = score;
        classes[kept] = static_cast<int32_t>(best);
        kept++;
      }
    }
  }
  return kept;
}

napi_value DecodeYoloxBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View output;
  Candidates out;
  double nc = 0, width = 0, height = 0, conf = 0;
  std::vector<double> strides;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "output", &output));
  RS_CHECK(ObjectArg(env, argv[1], "options"));
  RS_CHECK(PositiveField(env, argv[1], "options", "numClasses", &nc));
  RS_CHECK(PositiveField(env, argv[1], "options", "inputWidth", &width));
  RS_CHECK(PositiveField(env, argv[1], "options", "inputHeight", &height));
  RS_CHECK(StrideList(env, argv[1], &strides));
  RS_CHECK(NumberField(env, argv[1], "options", "confThreshold", &conf));
  RS_CHECK(CandidatesArg(env, argv[2], 0, &out));
  double n = 0;
  for (const double s : strides) n += std::floor(height / s) * std::floor(width / s);
  RS_CHECK(Exactly(env, static_cast<double>(output.length), n * (5 + nc),
                   "floats (" + JsNumber(n) + " anchors * (5 + numClasses))", "output.length"));
  RS_CHECK(CheckCapacity(env, out, n, "anchors"));
  const std::vector<size_t> steps(strides.begin(), strides.end());
  const YoloxParams p{static_cast<size_t>(nc),
                      static_cast<size_t>(width),
                      static_cast<size_t>(height),
                      steps.data(),
                      steps.size(),
                      conf};
  const size_t kept = DecodeYolox(static_cast<const float*>(output.data), p, out.Boxes(),
                                  out.Scores(), out.Classes());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
