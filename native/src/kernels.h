// The kernels as plain C++ over raw buffers, without Node-API. Arguments are already validated by
// the bindings. Each function performs the operations of src/kernels/reference.ts in the same order
// and precision (float64 arithmetic on float32 inputs, rounded once on store).
#ifndef ROCKETSERVE_NATIVE_KERNELS_H_
#define ROCKETSERVE_NATIVE_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace rs {

enum class ChannelOrder { kRgb = 0, kBgr = 1, kGray = 2 };

struct NormalizeParams {
  size_t src_width, src_height, src_channels;
  size_t dst_width, dst_height, offset_x, offset_y;
  ChannelOrder order;
  double scale, pad_value;
  double mean[3], std[3];
};

// HWC uint8 → CHW float32 canvas filled with the normalised pad value (letterbox).
void NormalizeToChw(const uint8_t* src, float* dst, const NormalizeParams& p);

struct YoloParams {
  bool v5;
  size_t num_classes, num_anchors;
  double conf_threshold;
};

// Keeps anchors whose best class score is > conf_threshold; returns how many were written.
size_t DecodeYolo(const float* output, const YoloParams& p, float* boxes, float* scores,
                  int32_t* classes);

struct NmsParams {
  size_t count;
  double iou_threshold;
  size_t max_detections;
  bool class_aware;
};

// Greedy NMS in score order; writes kept indices to `out` and returns how many.
size_t Nms(const float* boxes, const float* scores, const int32_t* classes, const NmsParams& p,
           int32_t* out);

// exp(x − max) / Σ exp(x − max) with float64 accumulation; dst may alias src.
void Softmax(const float* src, float* dst, size_t n);

// Writes the indices of the min(k, n) largest values in score order; returns that count.
size_t TopK(const float* values, size_t n, size_t k, int32_t* out);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_KERNELS_H_
