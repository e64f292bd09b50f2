// Plain C++ helpers shared by the decoders' kernels (no Node-API): the best class of a candidate
// and the writing of its box. See bestClass, putCentred and putGridBox in
// src/kernels/candidates.ts.
#ifndef ROCKETSERVE_NATIVE_DECODE_UTIL_H_
#define ROCKETSERVE_NATIVE_DECODE_UTIL_H_

#include <cmath>
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

// Writes box i from its centre and half size as x1, y1, x2, y2, each computed in float64 and
// rounded once.
inline void PutCentred(float* boxes, size_t i, double cx, double cy, double half_w, double half_h) {
  boxes[4 * i] = static_cast<float>(cx - half_w);
  boxes[4 * i + 1] = static_cast<float>(cy - half_h);
  boxes[4 * i + 2] = static_cast<float>(cx + half_w);
  boxes[4 * i + 3] = static_cast<float>(cy + half_h);
}

// Writes box i from the values d[0..3] of the grid cell (col, row) of stride s, as YOLOX and YuNet
// emit them: centre ((dx + col) × s, (dy + row) × s), size (e^dw × s, e^dh × s).
inline void PutGridBox(float* boxes, size_t i, const float* d, double col, double row, double s) {
  const double cx = (static_cast<double>(d[0]) + col) * s;
  const double cy = (static_cast<double>(d[1]) + row) * s;
  const double half_w = std::exp(static_cast<double>(d[2])) * s / 2;
  const double half_h = std::exp(static_cast<double>(d[3])) * s / 2;
  PutCentred(boxes, i, cx, cy, half_w, half_h);
}

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_DECODE_UTIL_H_
