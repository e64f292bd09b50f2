// Node-API checks shared by the detection decoders: reading `out` and checking its room, and the
// landmark input of the face decoders. Each mirrors a helper of src/kernels/candidates.ts and
// throws the same error with the same message. A function returning false has left an exception
// pending.
#ifndef ROCKETSERVE_NATIVE_CANDIDATES_H_
#define ROCKETSERVE_NATIVE_CANDIDATES_H_

#include <node_api.h>

#include <cstdint>
#include <string>

#include "napi_util.h"

namespace rs {

// The output arrays of a decoder; `keypoints` is read only when numKeypoints > 0 and `extras` only
// when numExtras > 0 (else they stay empty, their data nullptr).
struct Candidates {
  View boxes, scores, classes, keypoints, extras;

  float* Boxes() const { return static_cast<float*>(boxes.data); }
  float* Scores() const { return static_cast<float*>(scores.data); }
  int32_t* Classes() const { return static_cast<int32_t*>(classes.data); }
  float* Keypoints() const { return static_cast<float*>(keypoints.data); }
  float* Extras() const { return static_cast<float*>(extras.data); }
};

// candidates: out.boxes, out.scores, out.classes, out.keypoints when num_keypoints > 0 and
// out.extras when num_extras > 0.
bool CandidatesArg(napi_env env, napi_value out, double num_keypoints, Candidates* r,
                   double num_extras = 0);
// checkLandmarks: the landmark input of n candidates (`unit` says what n counts) is null only when
// k is 0, and otherwise holds 2 × k × n floats.
bool CheckLandmarks(napi_env env, bool present, const View& input, const char* name, double k,
                    double n, const std::string& unit);
// checkCapacity: room in `r` for n candidates (`unit` says what n counts, e.g. "numAnchors"), and
// for their keypoints when k > 0.
bool CheckCapacity(napi_env env, const Candidates& r, double n, const std::string& unit,
                   double k = 0);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_CANDIDATES_H_
