// normalizeToChw: HWC uint8 → CHW float32 letterbox (see normalizeToChw in reference.ts).
#include <algorithm>
#include <cmath>
#include <string>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {

void NormalizeToChw(const uint8_t* src, float* dst, const NormalizeParams& p) {
  static const size_t kRgb[3] = {0, 1, 2};
  static const size_t kBgr[3] = {2, 1, 0};
  const size_t out_channels = p.order == ChannelOrder::kGray ? 1 : 3;
  const size_t* from = p.order == ChannelOrder::kBgr ? kBgr : kRgb;
  const size_t w = p.src_width, c = p.src_channels, plane = p.dst_width * p.dst_height;
  float lut[256];
  for (size_t ch = 0; ch < out_channels; ch++) {
    for (int v = 0; v < 256; v++) {
      lut[v] = static_cast<float>((static_cast<double>(v) * p.scale - p.mean[ch]) / p.std[ch]);
    }
    const float pad = static_cast<float>((p.pad_value * p.scale - p.mean[ch]) / p.std[ch]);
    std::fill(dst + ch * plane, dst + (ch + 1) * plane, pad);
    for (size_t y = 0; y < p.src_height; y++) {
      float* row = dst + ch * plane + (p.offset_y + y) * p.dst_width + p.offset_x;
      const uint8_t* base = src + y * w * c + from[ch];
      for (size_t x = 0; x < w; x++) row[x] = lut[base[x * c]];
    }
  }
}

namespace {

constexpr const char* kOrders[] = {"rgb", "bgr", "gray"};

bool ReadSizes(napi_env env, napi_value o, double* s) {
  static const char* kKeys[] = {"srcWidth",  "srcHeight", "srcChannels", "dstWidth",
                                "dstHeight", "offsetX",   "offsetY"};
  for (size_t i = 0; i < 7; i++) {
    if (!CountField(env, o, "options", kKeys[i], &s[i])) return false;
  }
  return true;
}

bool IsFinite(double v) { return std::isfinite(v); }
bool IsNonZeroFinite(double v) { return std::isfinite(v) && v != 0; }

// mean/std: an array of `n` finite numbers (non-zero for std), like perChannel in checks.ts.
bool PerChannel(napi_env env, napi_value o, const char* key, uint32_t n, bool non_zero,
                double* out) {
  const std::string name = std::string("options.") + key;
  const char* what = non_zero ? "a non-zero finite number" : "a finite number";
  napi_value array;
  uint32_t length = 0;
  if (!ArrayField(env, o, "options", key, &array, &length) ||
      !Exactly(env, length, n, "entries", name.c_str())) {
    return false;
  }
  for (uint32_t i = 0; i < n; i++) {
    if (!NumberEntry(env, array, i, name, what, non_zero ? IsNonZeroFinite : IsFinite, &out[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

napi_value NormalizeToChwBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View src, dst;
  RS_CHECK(TypedArg(env, argv[0], napi_uint8_array, "a Uint8Array", "src", &src));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "dst", &dst));
  RS_CHECK(ObjectArg(env, argv[2], "options"));
  napi_value o = argv[2];
  double s[7];  // srcWidth, srcHeight, srcChannels, dstWidth, dstHeight, offsetX, offsetY
  size_t order = 0;
  RS_CHECK(ReadSizes(env, o, s));
  RS_CHECK(
      ChoiceField(env, o, "options", "channelOrder", kOrders, 3, "one of rgb, bgr, gray", &order));
  const bool gray = order == static_cast<size_t>(ChannelOrder::kGray);
  if (gray ? s[2] != 1 : s[2] != 3 && s[2] != 4) {
    const std::string what = gray ? "1 (channelOrder gray)"
                                  : std::string("3 or 4 (channelOrder ") + kOrders[order] + ")";
    ThrowExpected(env, ErrorKind::kRange, what, "options.srcChannels", JsNumber(s[2]));
    return nullptr;
  }
  NormalizeParams p{};
  const uint32_t out_channels = gray ? 1 : 3;
  RS_CHECK(FiniteField(env, o, "options", "scale", &p.scale));
  RS_CHECK(FiniteField(env, o, "options", "padValue", &p.pad_value));
  RS_CHECK(PerChannel(env, o, "mean", out_channels, false, p.mean));
  RS_CHECK(PerChannel(env, o, "std", out_channels, true, p.std));
  RS_CHECK(Exactly(env, static_cast<double>(src.length), s[0] * s[1] * s[2],
                   "bytes (srcWidth * srcHeight * srcChannels)", "src.length"));
  const double plane = s[3] * s[4];
  RS_CHECK(Exactly(env, static_cast<double>(dst.length), out_channels * plane,
                   "floats (outChannels * dstWidth * dstHeight)", "dst.length"));
  RS_CHECK(AtMost(env, s[5] + s[0], s[3], "dstWidth", "options.offsetX + options.srcWidth"));
  RS_CHECK(AtMost(env, s[6] + s[1], s[4], "dstHeight", "options.offsetY + options.srcHeight"));
  p.src_width = static_cast<size_t>(s[0]);
  p.src_height = static_cast<size_t>(s[1]);
  p.src_channels = static_cast<size_t>(s[2]);
  p.dst_width = static_cast<size_t>(s[3]);
  p.dst_height = static_cast<size_t>(s[4]);
  p.offset_x = static_cast<size_t>(s[5]);
  p.offset_y = static_cast<size_t>(s[6]);
  p.order = static_cast<ChannelOrder>(order);
  NormalizeToChw(static_cast<const uint8_t*>(src.data), static_cast<float*>(dst.data), p);
  return nullptr;
}

}  // namespace rs
