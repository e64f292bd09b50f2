// The argmax over a candidate's class scores shared by decodeYolo (yolo.cc) and decodeYolox
// (yolox.cc); see bestClass in src/kernels/candidates.ts.
#ifndef ROCKETSERVE_NATIVE_BEST_CLASS_H_
#define ROCKETSERVE_NATIVE_BEST_CLASS_H_

#include <cstddef>

namespace rs {

// The best of `count` class scores scores[0], scores[step], …: the lowest index on ties, and a NaN
// never replaces the best (a NaN first score stays the best, since nothing is > NaN).
inline size_t BestClass(const float* scores, size_t step, size_t count) {
  size_t best = 0;
  float best_score = scores[0];
  for (size_t c = 1; c < count; c++) {
    const float v = scores[c * step];
    if (v > best_score) {
      best = c;
      best_score = v;
    }
  }
  return best;
}

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_BEST_CLASS_H_
