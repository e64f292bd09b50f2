// fillPolygons: the pixels of a region inside polygon rings (see fill-polygons.ts, whose
// operations this performs in the same order and precision).
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// Calls visit(x, row) for each crossing of an edge of the rings with a row of [top, bottom).
template <typename Visit>
void ForEachCrossing(const double* points, const int32_t* lengths, size_t num_rings, double top,
                     double bottom, Visit visit) {
  size_t start = 0;
  for (size_t r = 0; r < num_rings; r++) {
    const size_t length = static_cast<size_t>(lengths[r]);
    for (size_t i = 0; i < length; i++) {
      const double* a = points + 2 * (start + i);
      const double* b = points + 2 * (start + (i + 1) % length);
      const double x0 = a[0], y0 = a[1], x1 = b[0], y1 = b[1];
      if (y0 == y1) continue;
      const double first = std::max(std::ceil(std::min(y0, y1)), top);
      const double end = std::min(std::ceil(std::max(y0, y1)), bottom);
      for (double y = first; y < end; y++) {
        visit(x0 + ((y - y0) * (x1 - x0)) / (y1 - y0), static_cast<size_t>(y - top));
      }
    }
    start += length;
  }
}

}  // namespace

size_t FillPolygons(const double* points, const int32_t* lengths, size_t num_rings,
                    const PixelRegion& region, uint8_t* out) {
  // Crossings per row, then all of them row after row; reused by every call on this thread.
  thread_local std::vector<size_t> row_start;
  thread_local std::vector<double> crossings;
  const size_t width = region.width, height = region.height;
  std::fill(out, out + width * height, 0);
  if (width == 0 || height == 0) return 0;
  const double top = region.y, bottom = region.y + static_cast<double>(height);
  // Each row's count, then its end in `crossings`; placing counts each end down to its start.
  row_start.assign(height + 1, 0);
  ForEachCrossing(points, lengths, num_rings, top, bottom,
                  [&](double, size_t row) { row_start[row]++; });
  for (size_t r = 1; r < height; r++) row_start[r] += row_start[r - 1];
  row_start[height] = row_start[height - 1];
  crossings.resize(row_start[height]);
  ForEachCrossing(points, lengths, num_rings, top, bottom,
                  [&](double x, size_t row) { crossings[--row_start[row]] = x; });
  size_t set = 0;
  for (size_t r = 0; r < height; r++) {
    double* xs = crossings.data() + row_start[r];
    const size_t n = row_start[r + 1] - row_start[r];
    std::sort(xs, xs + n);
    for (size_t k = 0; k + 1 < n; k += 2) {
      const double from = std::max(std::ceil(xs[k] - region.x), 0.0);
      const double to = std::min(std::ceil(xs[k + 1] - region.x), static_cast<double>(width));
      if (to > from) {
        const size_t a = static_cast<size_t>(from), b = static_cast<size_t>(to);
        std::fill(out + r * width + a, out + r * width + b, 1);
        set += b - a;
      }
    }
  }
  return set;
}

napi_value FillPolygonsBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 4, argv);
  View points, lengths, out;
  PixelRegion region;
  napi_value o = argv[2];
  RS_CHECK(TypedArg(env, argv[0], napi_float64_array, "a Float64Array", "points", &points));
  RS_CHECK(TypedArg(env, argv[1], napi_int32_array, "an Int32Array", "ringLengths", &lengths));
  RS_CHECK(ObjectArg(env, o, "options"));
  RS_CHECK(TypedArg(env, argv[3], napi_uint8_array, "a Uint8Array", "out", &out));
  RS_CHECK(RegionFields(env, o, &region));
  const int32_t* ring_lengths = static_cast<const int32_t*>(lengths.data);
  double total = 0;
  for (size_t i = 0; i < lengths.length; i++) {
    RS_CHECK(ring_lengths[i] >= 0 ||
             ThrowExpected(env, ErrorKind::kRange, "a non-negative integer",
                           "ringLengths[" + std::to_string(i) + "]", JsonNumber(ring_lengths[i])));
    total += ring_lengths[i];
  }
  RS_CHECK(AtLeast(env, static_cast<double>(points.length), 2 * total,
                   "floats (2 * the sum of ringLengths)", "points.length"));
  const double* xy = static_cast<const double*>(points.data);
  for (size_t i = 0; i < static_cast<size_t>(2 * total); i++) {
    RS_CHECK(std::isfinite(xy[i]) ||
             ThrowExpected(env, ErrorKind::kRange, "a finite number",
                           "points[" + std::to_string(i) + "]", JsonNumber(xy[i])));
  }
  RS_CHECK(AtLeast(env, static_cast<double>(out.length),
                   static_cast<double>(region.width) * static_cast<double>(region.height),
                   "bytes (regionWidth * regionHeight)", "out.length"));
  const size_t set =
      FillPolygons(xy, ring_lengths, lengths.length, region, static_cast<uint8_t*>(out.data));
  return NumberResult(env, static_cast<double>(set));
}

}  // namespace rs
