// resizeLinear: HWC uint8 resized as OpenCV's INTER_LINEAR (see resize.ts, the specification).
#include <algorithm>
#include <cmath>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

constexpr int kOne = 2048;

// One axis's first tap and the two 11-bit weights of each output position.
struct Axis {
  std::vector<int> first;
  std::vector<int> weights;
};

Axis Taps(size_t src, size_t dst, bool clamp_weights) {
  Axis a{std::vector<int>(dst), std::vector<int>(dst * 2)};
  const double scale = 1.0 / (static_cast<double>(dst) / static_cast<double>(src));
  const int last = static_cast<int>(src) - 1;
  for (size_t d = 0; d < dst; d++) {
    const float f = static_cast<float>((static_cast<double>(d) + 0.5) * scale - 0.5);
    int s = static_cast<int>(std::floor(f));
    float t = f - static_cast<float>(s);
    if (clamp_weights && s < 0) s = 0, t = 0;
    if (clamp_weights && s >= last) s = last, t = 0;
    a.first[d] = s;
    // std::nearbyint rounds half to even in the default rounding mode, as OpenCV's cvRound does.
    a.weights[2 * d] = static_cast<int>(std::nearbyint((1.0f - t) * static_cast<float>(kOne)));
    a.weights[2 * d + 1] = static_cast<int>(std::nearbyint(t * static_cast<float>(kOne)));
  }
  return a;
}

void Halve(const uint8_t* src, uint8_t* dst, const ResizeParams& p) {
  const size_t c = p.channels, line = p.src_width * c;
  for (size_t y = 0; y < p.crop_height; y++) {
    const uint8_t* top = src + 2 * (p.crop_top + y) * line;
    const uint8_t* bottom = top + line;
    for (size_t x = 0; x < p.crop_width; x++) {
      const size_t left = 2 * (p.crop_left + x) * c;
      for (size_t k = 0; k < c; k++) {
        const size_t i = left + k;
        const int sum = top[i] + top[i + c] + bottom[i] + bottom[i + c];
        dst[(y * p.crop_width + x) * c + k] = static_cast<uint8_t>((sum + 2) >> 2);
      }
    }
  }
}

}  // namespace

void ResizeLinear(const uint8_t* src, uint8_t* dst, const ResizeParams& p) {
  if (p.src_width == 2 * p.dst_width && p.src_height == 2 * p.dst_height) {
    Halve(src, dst, p);
    return;
  }
  const Axis cols = Taps(p.src_width, p.dst_width, true);
  const Axis rows = Taps(p.src_height, p.dst_height, false);
  const size_t c = p.channels, line = p.crop_width * c;
  const int last_row = static_cast<int>(p.src_height) - 1;
  const int last_col = static_cast<int>(p.src_width) - 1;
  std::vector<int> upper(line), lower(line);
  // One source row's horizontal pass over the window: h = s[x0] × w0 + s[x1] × w1 per value.
  auto horizontal = [&](int y, int* out) {
    const uint8_t* row = src + static_cast<size_t>(y) * p.src_width * c;
    for (size_t x = 0; x < p.crop_width; x++) {
      const size_t dx = p.crop_left + x;
      const size_t x0 = static_cast<size_t>(cols.first[dx]) * c;
      const size_t x1 = static_cast<size_t>(std::min(cols.first[dx] + 1, last_col)) * c;
      const int w0 = cols.weights[2 * dx], w1 = cols.weights[2 * dx + 1];
      for (size_t k = 0; k < c; k++) out[x * c + k] = row[x0 + k] * w0 + row[x1 + k] * w1;
    }
  };
  // The source rows in `upper` and `lower`: a row computed for one output row is reused by the
  // next.
  int have_upper = -2, have_lower = -2;
  for (size_t y = 0; y < p.crop_height; y++) {
    const size_t dy = p.crop_top + y;
    const int y0 = std::clamp(rows.first[dy], 0, last_row);
    const int y1 = std::clamp(rows.first[dy] + 1, 0, last_row);
    if (y0 == have_lower) std::swap(upper, lower), std::swap(have_upper, have_lower);
    if (y0 != have_upper) horizontal(y0, upper.data()), have_upper = y0;
    if (y1 != have_lower) horizontal(y1, lower.data()), have_lower = y1;
    const int w0 = rows.weights[2 * dy], w1 = rows.weights[2 * dy + 1];
    uint8_t* out = dst + y * line;
    for (size_t i = 0; i < line; i++) {
      const int v = (((upper[i] >> 4) * w0) >> 16) + (((lower[i] >> 4) * w1) >> 16);
      out[i] = static_cast<uint8_t>(std::clamp((v + 2) >> 2, 0, 255));
    }
  }
}

napi_value ResizeLinearBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View src, dst;
  RS_CHECK(TypedArg(env, argv[0], napi_uint8_array, "a Uint8Array", "src", &src));
  RS_CHECK(TypedArg(env, argv[1], napi_uint8_array, "a Uint8Array", "dst", &dst));
  RS_CHECK(ObjectArg(env, argv[2], "options"));
  napi_value o = argv[2];
  // srcWidth, srcHeight, channels, dstWidth, dstHeight, cropLeft, cropTop, cropWidth, cropHeight
  static const char* const kKeys[9] = {"srcWidth", "srcHeight", "channels",
                                       "dstWidth", "dstHeight", "cropLeft",
                                       "cropTop",  "cropWidth", "cropHeight"};
  double s[9];
  for (size_t i = 0; i < 9; i++) {
    const bool may_be_zero = i == 5 || i == 6;
    RS_CHECK(may_be_zero ? CountField(env, o, "options", kKeys[i], &s[i])
                         : PositiveField(env, o, "options", kKeys[i], &s[i]));
  }
  RS_CHECK(Exactly(env, static_cast<double>(src.length), s[0] * s[1] * s[2],
                   "bytes (srcWidth * srcHeight * channels)", "src.length"));
  RS_CHECK(Exactly(env, static_cast<double>(dst.length), s[7] * s[8] * s[2],
                   "bytes (cropWidth * cropHeight * channels)", "dst.length"));
  RS_CHECK(AtMost(env, s[5] + s[7], s[3], "dstWidth", "options.cropLeft + options.cropWidth"));
  RS_CHECK(AtMost(env, s[6] + s[8], s[4], "dstHeight", "options.cropTop + options.cropHeight"));
  ResizeParams p{};
  p.src_width = static_cast<size_t>(s[0]);
  p.src_height = static_cast<size_t>(s[1]);
  p.channels = static_cast<size_t>(s[2]);
  p.dst_width = static_cast<size_t>(s[3]);
  p.dst_height = static_cast<size_t>(s[4]);
  p.crop_left = static_cast<size_t>(s[5]);
  p.crop_top = static_cast<size_t>(s[6]);
  p.crop_width = static_cast<size_t>(s[7]);
  p.crop_height = static_cast<size_t>(s[8]);
  ResizeLinear(static_cast<const uint8_t*>(src.data), static_cast<uint8_t*>(dst.data), p);
  return nullptr;
}

}  // namespace rs
