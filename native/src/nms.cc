// nms: greedy non-maximum suppression (see nms and iou in reference.ts).
#include <algorithm>
#include <numeric>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"
#include "score_order.h"

namespace rs {
namespace {

// Written as comparisons (not std::max/fmax) so that NaN behaves as in the TypeScript reference.
double Max(double a, double b) { return a > b ? a : b; }
double Min(double a, double b) { return a < b ? a : b; }
double Extent(double lo, double hi) { return hi > lo ? hi - lo : 0; }

// IoU in float64 of xyxy boxes i and j; inverted boxes have area 0; 0 when the union is not > 0.
double Iou(const float* b, size_t i, size_t j) {
  const double ax1 = b[4 * i], ay1 = b[4 * i + 1], ax2 = b[4 * i + 2], ay2 = b[4 * i + 3];
  const double bx1 = b[4 * j], by1 = b[4 * j + 1], bx2 = b[4 * j + 2], by2 = b[4 * j + 3];
  const double area_a = Extent(ax1, ax2) * Extent(ay1, ay2);
  const double area_b = Extent(bx1, bx2) * Extent(by1, by2);
  const double inter = Extent(Max(ax1, bx1), Min(ax2, bx2)) * Extent(Max(ay1, by1), Min(ay2, by2));
  const double uni = area_a + area_b - inter;
  return uni > 0 ? inter / uni : 0;
}

}  // namespace

size_t Nms(const float* boxes, const float* scores, const int32_t* classes, const NmsParams& p,
           int32_t* out) {
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
      if (Iou(boxes, i, j) > p.iou_threshold) suppressed[j] = 1;
    }
  }
  return kept;
}

napi_value NmsBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 5, argv);
  View boxes, scores, classes, out;
  double n = 0, threshold = 0, max_detections = 0;
  bool class_aware = false;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "boxes", &boxes));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "scores", &scores));
  RS_CHECK(TypedArg(env, argv[2], napi_int32_array, "an Int32Array", "classes", &classes));
  RS_CHECK(ObjectArg(env, argv[3], "options"));
  RS_CHECK(TypedArg(env, argv[4], napi_int32_array, "an Int32Array", "outIndices", &out));
  RS_CHECK(CountField(env, argv[3], "options", "count", &n));
  RS_CHECK(NumberField(env, argv[3], "options", "iouThreshold", &threshold));
  RS_CHECK(CountField(env, argv[3], "options", "maxDetections", &max_detections));
  RS_CHECK(BoolField(env, argv[3], "options", "classAware", &class_aware));
  RS_CHECK(
      AtLeast(env, static_cast<double>(boxes.length), 4 * n, "floats (4 * count)", "boxes.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(scores.length), n, "floats (count)", "scores.length"));
  RS_CHECK(
      AtLeast(env, static_cast<double>(classes.length), n, "entries (count)", "classes.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(out.length), n < max_detections ? n : max_detections,
                   "entries (min(count, maxDetections))", "outIndices.length"));
  const NmsParams p{static_cast<size_t>(n), threshold, static_cast<size_t>(max_detections),
                    class_aware};
  const size_t kept =
      Nms(static_cast<const float*>(boxes.data), static_cast<const float*>(scores.data),
          static_cast<const int32_t*>(classes.data), p, static_cast<int32_t*>(out.data));
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
