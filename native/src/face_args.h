// Node-API checks shared by the face decoders (scrfd.cc, retinaface.cc). Each mirrors a helper of
// src/kernels/scrfd.ts or src/kernels/retinaface.ts and throws the same error with the same
// message. A function returning false has left a JavaScript exception pending.
#ifndef ROCKETSERVE_NATIVE_FACE_ARGS_H_
#define ROCKETSERVE_NATIVE_FACE_ARGS_H_

#include <node_api.h>

#include <cstdint>
#include <string>
#include <vector>

#include "napi_util.h"

namespace rs {

// The output arrays of a face decoder; `keypoints` is read only when numKeypoints > 0.
struct FaceOutputs {
  View boxes, scores, classes, keypoints;
};

// floatsOrNull: a Float32Array (*present = true) or null (*present = false); TypeError otherwise.
bool FloatsOrNull(napi_env env, napi_value v, const char* name, View* out, bool* present);
// faceOutputs: out.boxes, out.scores, out.classes, and out.keypoints when num_keypoints > 0.
bool FaceOutputsArg(napi_env env, napi_value out, double num_keypoints, FaceOutputs* r);
// checkLandmarks: the landmark input of n candidates (`unit` says what n counts) is null only when
// k is 0, and otherwise holds 2 × k × n floats.
bool CheckLandmarks(napi_env env, bool present, const View& input, const char* name, double k,
                    double n, const std::string& unit);
// checkCapacity: room in `r` for n candidates, keypoints only when k > 0.
bool CheckCapacity(napi_env env, const FaceOutputs& r, double k, double n, const std::string& unit);

// array: TypeError "an array" unless `v` is an array; *length is its length.
bool ArrayValue(napi_env env, napi_value v, const std::string& name, uint32_t* length);
// array(obj[key]), named "<prefix>.<key>".
bool ArrayField(napi_env env, napi_value obj, const char* prefix, const char* key, napi_value* out,
                uint32_t* length);
// Element i of `array`; RangeError "Expected <what> for <name>[i]" unless it is a number
// satisfying `ok` (entry in retinaface.ts).
bool NumberEntry(napi_env env, napi_value array, uint32_t i, const std::string& name,
                 const char* what, bool (*ok)(double), double* out);
// Every entry of an array of `length` numbers, appended to `out`.
bool NumberEntries(napi_env env, napi_value array, uint32_t length, const std::string& name,
                   const char* what, bool (*ok)(double), std::vector<double>* out);

// The number tests of checks.ts: isCount && !== 0, and isFiniteNumber && > 0.
bool IsPositiveCount(double v);
bool IsPositiveFinite(double v);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_FACE_ARGS_H_
