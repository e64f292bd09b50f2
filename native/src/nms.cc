// nms: greedy non-maximum suppression of xyxy boxes (see nms.ts), and the argument checks it shares
// with nmsRotated.
#include "nms.h"

#include <string>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

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
  return Suppress(scores, classes, p, out,
                  [boxes](int32_t i, int32_t j) { return Iou(boxes, i, j); });
}

bool ReadNmsArgs(napi_env env, const napi_value* argv, int box_floats, NmsArgs* args) {
  double n = 0, threshold = 0, max_detections = 0;
  bool class_aware = false;
  if (!TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "boxes", &args->boxes) ||
      !TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "scores", &args->scores) ||
      !TypedArg(env, argv[2], napi_int32_array, "an Int32Array", "classes", &args->classes) ||
      !ObjectArg(env, argv[3], "options") ||
      !TypedArg(env, argv[4], napi_int32_array, "an Int32Array", "outIndices", &args->out) ||
      !CountField(env, argv[3], "options", "count", &n) ||
      !NumberField(env, argv[3], "options", "iouThreshold", &threshold) ||
      !CountField(env, argv[3], "options", "maxDetections", &max_detections) ||
      !BoolField(env, argv[3], "options", "classAware", &class_aware)) {
    return false;
  }
  const std::string per_box = std::to_string(box_floats);
  if (!AtLeast(env, static_cast<double>(args->boxes.length), box_floats * n,
               "floats (" + per_box + " * count)", "boxes.length") ||
      !AtLeast(env, static_cast<double>(args->scores.length), n, "floats (count)",
               "scores.length") ||
      !AtLeast(env, static_cast<double>(args->classes.length), n, "entries (count)",
               "classes.length") ||
      !AtLeast(env, static_cast<double>(args->out.length), n < max_detections ? n : max_detections,
               "entries (min(count, maxDetections))", "outIndices.length")) {
    return false;
  }
  args->params = NmsParams{static_cast<size_t>(n), threshold, static_cast<size_t>(max_detections),
                           class_aware};
  return true;
}

napi_value NmsBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 5, argv);
  NmsArgs args;
  RS_CHECK(ReadNmsArgs(env, argv, 4, &args));
  const size_t kept = Nms(args.Boxes(), args.Scores(), args.Classes(), args.params, args.Out());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
