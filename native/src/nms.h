// What nms and nmsRotated share (see nms.ts): their argument checks and the greedy suppression
// loop, given the overlap of two boxes.
#ifndef ROCKETSERVE_NATIVE_NMS_H_
#define ROCKETSERVE_NATIVE_NMS_H_

#include <node_api.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "kernels.h"
#include "napi_util.h"
#include "score_order.h"

namespace rs {

// The checked arguments of an NMS binding.
struct NmsArgs {
  View boxes, scores, classes, out;
  NmsParams params;

  const float* Boxes() const { return static_cast<const float*>(boxes.data); }
  const float* Scores() const { return static_cast<const float*>(scores.data); }
  const int32_t* Classes() const { return static_cast<const int32_t*>(classes.data); }
  int32_t* Out() const { return static_cast<int32_t*>(out.data); }
};

// nmsInputs: checks (boxes, scores, classes, options, outIndices) of an NMS kernel whose boxes are
// `box_floats` floats each (4 or 5).
bool ReadNmsArgs(napi_env env, const napi_value* argv, int box_floats, NmsArgs* args);

// suppress: in score order, a box not yet suppressed is kept and suppresses every later box (of
// its class when class-aware) whose overlap(i, j) is > iou_threshold; stops after
// max_detections. Writes kept indices to `out` and returns how many.
template <typename Overlap>
size_t Suppress(const float* scores, const int32_t* classes, const NmsParams& p, int32_t* out,
                Overlap overlap) {
  std::vector<int32_t> order(p.count);
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), ScoreOrder{scores});
  std::vector<uint8_t> suppressed(p.count, 0);
  size_t kept = 0;
  for (size_t a = 0; a < p.count && kept < p.max_detections; a++) {
    const int32_t i = order[a];
    if (suppressed[i]) continue;
    out[kept++] = i;
    for (size_t z = a + 1; z < p.count; z++) {
      const int32_t j = order[z];
      if (suppressed[j] || (p.class_aware && classes[i] != classes[j])) continue;
      if (overlap(i, j) > p.iou_threshold) suppressed[j] = 1;
    }
  }
  return kept;
}

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_NMS_H_
