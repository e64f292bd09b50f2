// The order shared by nms and topK (see byScore in src/kernels/reference.ts): score descending with
// NaN lowest, then index ascending. It is a strict total order, so std::sort / std::partial_sort
// produce exactly the permutation that Array.prototype.sort produces in the reference.
#ifndef ROCKETSERVE_NATIVE_SCORE_ORDER_H_
#define ROCKETSERVE_NATIVE_SCORE_ORDER_H_

#include <cmath>
#include <cstdint>
#include <limits>

namespace rs {

struct ScoreOrder {
  const float* scores;

  static double Key(float v) {
    return std::isnan(v) ? -std::numeric_limits<double>::infinity() : static_cast<double>(v);
  }

  // True when index a comes before index b.
  bool operator()(int32_t a, int32_t b) const {
    const double sa = Key(scores[a]);
    const double sb = Key(scores[b]);
    if (sa > sb) return true;
    if (sa < sb) return false;
    return a < b;
  }
};

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_SCORE_ORDER_H_
