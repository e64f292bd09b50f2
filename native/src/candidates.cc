// Checks shared by the detection decoders; see candidates.h and src/kernels/candidates.ts.
#include "candidates.h"

#include <string>

#include "napi_util.h"

namespace rs {

bool CandidatesArg(napi_env env, napi_value out, double num_keypoints, Candidates* r,
                   double num_extras) {
  napi_value field;
  if (!ObjectArg(env, out, "out")) return false;
  if (!GetField(env, out, "boxes", &field) ||
      !TypedArg(env, field, napi_float32_array, "a Float32Array", "out.boxes", &r->boxes)) {
    return false;
  }
  if (!GetField(env, out, "scores", &field) ||
      !TypedArg(env, field, napi_float32_array, "a Float32Array", "out.scores", &r->scores)) {
    return false;
  }
  if (!GetField(env, out, "classes", &field) ||
      !TypedArg(env, field, napi_int32_array, "an Int32Array", "out.classes", &r->classes)) {
    return false;
  }
  if (num_keypoints > 0 && (!GetField(env, out, "keypoints", &field) ||
                            !TypedArg(env, field, napi_float32_array, "a Float32Array",
                                      "out.keypoints", &r->keypoints))) {
    return false;
  }
  return !(num_extras > 0) ||
         (GetField(env, out, "extras", &field) &&
          TypedArg(env, field, napi_float32_array, "a Float32Array", "out.extras", &r->extras));
}

bool CheckLandmarks(napi_env env, bool present, const View& input, const char* name, double k,
                    double n, const std::string& unit) {
  const double len = 2 * k * n;
  const double length = static_cast<double>(input.length);
  if (present ? length == len : !(k > 0)) return true;
  const std::string what = JsNumber(len) + " floats (2 * numKeypoints * " + unit + ")";
  if (!present) return ThrowExpected(env, ErrorKind::kRange, what, name, "null");
  return ThrowExpected(env, ErrorKind::kRange, what, std::string(name) + ".length",
                       JsonNumber(length));
}

bool CheckCapacity(napi_env env, const Candidates& r, double n, const std::string& unit, double k) {
  if (!AtLeast(env, static_cast<double>(r.boxes.length), 4 * n, "floats (4 * " + unit + ")",
               "out.boxes.length") ||
      !AtLeast(env, static_cast<double>(r.scores.length), n, "floats (" + unit + ")",
               "out.scores.length") ||
      !AtLeast(env, static_cast<double>(r.classes.length), n, "entries (" + unit + ")",
               "out.classes.length")) {
    return false;
  }
  return !(k > 0) || AtLeast(env, static_cast<double>(r.keypoints.length), 2 * k * n,
                             "floats (2 * numKeypoints * " + unit + ")", "out.keypoints.length");
}

}  // namespace rs
