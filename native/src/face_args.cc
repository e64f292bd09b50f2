// Checks shared by the face decoders; see face_args.h and the helpers of src/kernels/scrfd.ts and
// src/kernels/retinaface.ts.
#include "face_args.h"

#include <cmath>
#include <string>
#include <vector>

#include "napi_util.h"

namespace rs {

bool IsPositiveCount(double v) {
  return std::isfinite(v) && std::trunc(v) == v && v > 0 && v <= 9007199254740991.0;
}

bool IsPositiveFinite(double v) { return std::isfinite(v) && v > 0; }

bool FloatsOrNull(napi_env env, napi_value v, const char* name, View* out, bool* present) {
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_null) {
    *present = false;
    return true;
  }
  *present = true;
  return TypedArg(env, v, napi_float32_array, "a Float32Array or null", name, out);
}

bool FaceOutputsArg(napi_env env, napi_value out, double num_keypoints, FaceOutputs* r) {
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
  if (num_keypoints > 0) {
    return GetField(env, out, "keypoints", &field) &&
           TypedArg(env, field, napi_float32_array, "a Float32Array", "out.keypoints",
                    &r->keypoints);
  }
  return true;
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

bool CheckCapacity(napi_env env, const FaceOutputs& r, double k, double n,
                   const std::string& unit) {
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

bool ArrayValue(napi_env env, napi_value v, const std::string& name, uint32_t* length) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) == napi_ok && is_array &&
      napi_get_array_length(env, v, length) == napi_ok) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kType, "an array", name, Shown(env, v));
}

bool ArrayField(napi_env env, napi_value obj, const char* prefix, const char* key, napi_value* out,
                uint32_t* length) {
  return GetField(env, obj, key, out) &&
         ArrayValue(env, *out, std::string(prefix) + "." + key, length);
}

bool NumberEntry(napi_env env, napi_value array, uint32_t i, const std::string& name,
                 const char* what, bool (*ok)(double), double* out) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (napi_get_element(env, array, i, &v) != napi_ok) {
    ThrowNapiFailure(env);
    return false;
  }
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_number &&
      napi_get_value_double(env, v, out) == napi_ok && ok(*out)) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kRange, what, name + "[" + std::to_string(i) + "]",
                       Shown(env, v));
}

bool NumberEntries(napi_env env, napi_value array, uint32_t length, const std::string& name,
                   const char* what, bool (*ok)(double), std::vector<double>* out) {
  for (uint32_t i = 0; i < length; i++) {
    double v = 0;
    if (!NumberEntry(env, array, i, name, what, ok, &v)) return false;
    out->push_back(v);
  }
  return true;
}

}  // namespace rs
