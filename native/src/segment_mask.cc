// segmentMask: one YOLOv8-seg instance mask over a region of the model input (see
// segment-mask.ts, whose operations this performs in the same order and precision).
#include <algorithm>
#include <cmath>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// The pixels along one axis of the region whose centres fall inside the box, [first, end), and for
// each the two prototype rows (or columns) it reads and the weight of the second (see axis in
// segment-mask.ts).
struct Axis {
  size_t first = 0, end = 0;
  std::vector<size_t> lo, hi;
  std::vector<double> weight;
};

Axis AxisOf(double start, size_t length, double box_lo, double box_hi, size_t proto_size,
            double input_size) {
  auto position = [=](size_t i) { return start + static_cast<double>(i) + 0.5; };
  Axis a;
  while (a.first < length && !(position(a.first) >= box_lo)) a.first++;
  a.end = a.first;
  while (a.end < length && position(a.end) < box_hi) a.end++;
  const double ratio = static_cast<double>(proto_size) / input_size;
  const double last = static_cast<double>(proto_size - 1);
  for (size_t i = a.first; i < a.end; i++) {
    const double raw = position(i) * ratio - 0.5;
    const double p = raw < 0 ? 0 : raw > last ? last : raw;
    const double floor = std::floor(p);
    const size_t lo = static_cast<size_t>(floor);
    a.lo.push_back(lo);
    a.hi.push_back(floor < last ? lo + 1 : proto_size - 1);
    a.weight.push_back(p - floor);
  }
  return a;
}

bool IsFinite(double v) { return std::isfinite(v); }

}  // namespace

size_t SegmentMask(const float* protos, const float* coefficients, const SegmentMaskParams& p,
                   uint8_t* out) {
  // The sigmoid mask at prototype resolution, reused by every call on this thread.
  thread_local std::vector<float> patch;
  const size_t rw = p.region.width, rh = p.region.height, pw = p.proto_width;
  const size_t plane = pw * p.proto_height;
  std::fill(out, out + rw * rh, 0);
  const Axis cols = AxisOf(p.region.x, rw, p.box[0], p.box[2], pw, p.input_width);
  const Axis rows = AxisOf(p.region.y, rh, p.box[1], p.box[3], p.proto_height, p.input_height);
  if (cols.first == cols.end || rows.first == rows.end) return 0;

  // The patch spans the prototype pixels read by the first and the last pixel inside the box.
  const size_t c0 = cols.lo.front(), r0 = rows.lo.front();
  const size_t patch_width = cols.hi.back() - c0 + 1;
  const size_t patch_height = rows.hi.back() - r0 + 1;
  if (patch.size() < patch_width * patch_height) patch.resize(patch_width * patch_height);
  for (size_t r = 0; r < patch_height; r++) {
    for (size_t c = 0; c < patch_width; c++) {
      const size_t at = (r0 + r) * pw + c0 + c;
      double dot = 0;
      for (size_t k = 0; k < p.num_masks; k++) {
        dot += static_cast<double>(coefficients[k]) * protos[k * plane + at];
      }
      patch[r * patch_width + c] = static_cast<float>(1 / (1 + std::exp(-dot)));
    }
  }

  size_t area = 0;
  for (size_t y = rows.first; y < rows.end; y++) {
    const double fy = rows.weight[y - rows.first];
    const float* top = patch.data() + (rows.lo[y - rows.first] - r0) * patch_width - c0;
    const float* bottom = patch.data() + (rows.hi[y - rows.first] - r0) * patch_width - c0;
    uint8_t* row = out + y * rw;
    for (size_t x = cols.first; x < cols.end; x++) {
      const double fx = cols.weight[x - cols.first];
      const size_t left = cols.lo[x - cols.first], right = cols.hi[x - cols.first];
      const double upper = (1 - fx) * top[left] + fx * top[right];
      const double lower = (1 - fx) * bottom[left] + fx * bottom[right];
      if ((1 - fy) * upper + fy * lower > 0.5) {
        row[x] = 1;
        area++;
      }
    }
  }
  return area;
}

napi_value SegmentMaskBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 4, argv);
  View protos, coefficients, out;
  napi_value box;
  uint32_t box_length = 0;
  std::vector<double> corners;
  double m = 0, pw = 0, ph = 0, iw = 0, ih = 0;
  PixelRegion region;
  napi_value o = argv[2];
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "protos", &protos));
  RS_CHECK(
      TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "coefficients", &coefficients));
  RS_CHECK(ObjectArg(env, o, "options"));
  RS_CHECK(TypedArg(env, argv[3], napi_uint8_array, "a Uint8Array", "out", &out));
  RS_CHECK(PositiveField(env, o, "options", "numMasks", &m));
  RS_CHECK(PositiveField(env, o, "options", "protoWidth", &pw));
  RS_CHECK(PositiveField(env, o, "options", "protoHeight", &ph));
  RS_CHECK(PositiveField(env, o, "options", "inputWidth", &iw));
  RS_CHECK(PositiveField(env, o, "options", "inputHeight", &ih));
  RS_CHECK(ArrayField(env, o, "options", "box", &box, &box_length));
  RS_CHECK(Exactly(env, box_length, 4, "entries", "options.box"));
  RS_CHECK(NumberEntries(env, box, 4, "options.box", "a finite number", IsFinite, &corners));
  RS_CHECK(RegionFields(env, o, &region));
  RS_CHECK(AtLeast(env, static_cast<double>(protos.length), m * (pw * ph),
                   "floats (numMasks * protoHeight * protoWidth)", "protos.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(coefficients.length), m, "floats (numMasks)",
                   "coefficients.length"));
  RS_CHECK(AtLeast(env, static_cast<double>(out.length),
                   static_cast<double>(region.width) * static_cast<double>(region.height),
                   "bytes (regionWidth * regionHeight)", "out.length"));
  const SegmentMaskParams p{static_cast<size_t>(m),
                            static_cast<size_t>(pw),
                            static_cast<size_t>(ph),
                            iw,
                            ih,
                            {corners[0], corners[1], corners[2], corners[3]},
                            region};
  const size_t area =
      SegmentMask(static_cast<const float*>(protos.data),
                  static_cast<const float*>(coefficients.data), p, static_cast<uint8_t*>(out.data));
  return NumberResult(env, static_cast<double>(area));
}

}  // namespace rs
