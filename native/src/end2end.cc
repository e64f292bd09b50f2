// decodeEnd2end: NMS-free [N, 6] rows → the rows above the confidence threshold (see decodeEnd2end
// in src/kernels/end2end.ts).
#include <cmath>

#include "bindings.h"
#include "candidates.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// The class column as an int32 when it is an integer in [0, 2³¹), else −1 (2.5, −1, NaN, 1e10).
int32_t ClassOf(double v) {
  return v >= 0 && v < 2147483648.0 && std::trunc(v) == v ? static_cast<int32_t>(v) : -1;
}

}  // namespace

size_t DecodeEnd2end(const float* output, const End2endParams& p, float* boxes, float* scores,
                     int32_t* classes) {
  size_t kept = 0;
  for (size_t i = 0; i < p.num_rows; i++) {
    const float* row = output + 6 * i;
    const float score = row[4];
    if (!(static_cast<double>(score) > p.conf_threshold)) continue;
    boxes[4 * kept] = row[0];
    boxes[4 * kept + 1] = row[1];
    boxes[4 * kept + 2] = row[2];
    boxes[4 * kept + 3] = row[3];
    scores[kept] = score;
    classes[kept] = ClassOf(row[5]);
    kept++;
  }
  return kept;
}

napi_value DecodeEnd2endBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View output;
  Candidates out;
  double n = 0, conf = 0;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "output", &output));
  RS_CHECK(ObjectArg(env, argv[1], "options"));
  RS_CHECK(CountField(env, argv[1], "options", "numRows", &n));
  RS_CHECK(NumberField(env, argv[1], "options", "confThreshold", &conf));
  RS_CHECK(CandidatesArg(env, argv[2], 0, &out));
  RS_CHECK(Exactly(env, static_cast<double>(output.length), n * 6, "floats (numRows * 6)",
                   "output.length"));
  RS_CHECK(CheckCapacity(env, out, n, "numRows"));
  const End2endParams p{static_cast<size_t>(n), conf};
  const size_t kept = DecodeEnd2end(static_cast<const float*>(output.data), p, out.Boxes(),
                                    out.Scores(), out.Classes());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
