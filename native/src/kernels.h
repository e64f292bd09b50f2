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

struct ResizeParams {
  size_t src_width, src_height, channels, dst_width, dst_height;
  size_t crop_left, crop_top, crop_width, crop_height;
};

// HWC uint8 → HWC uint8 as OpenCV's INTER_LINEAR; writes the crop window of the resized image.
void ResizeLinear(const uint8_t* src, uint8_t* dst, const ResizeParams& p);

struct YoloParams {
  bool v5;
  size_t num_classes, num_anchors;
  size_t num_extras;  // v8 only: values per anchor after the class scores, copied to `extras`
  double conf_threshold;
};

// Keeps anchors whose best class score is > conf_threshold; returns how many were written.
// `extras` (num_extras floats per kept anchor) is written only when num_extras > 0.
size_t DecodeYolo(const float* output, const YoloParams& p, float* boxes, float* scores,
                  int32_t* classes, float* extras);

struct NmsParams {
  size_t count;
  double iou_threshold;
  size_t max_detections;
  bool class_aware;
};

// Greedy NMS in score order; writes kept indices to `out` and returns how many.
size_t Nms(const float* boxes, const float* scores, const int32_t* classes, const NmsParams& p,
           int32_t* out);

// Greedy NMS of oriented boxes (cx, cy, w, h, angle; 5 floats each) with Ultralytics' probabilistic
// IoU (rotated_nms.cc); writes kept indices to `out` and returns how many.
size_t NmsRotated(const float* boxes, const float* scores, const int32_t* classes,
                  const NmsParams& p, int32_t* out);

// The region of an image a kernel writes to `out`: width × height bytes, row by row, for the
// pixels from (x, y) (RegionOptions in src/kernels/types.ts).
struct PixelRegion {
  double x = 0, y = 0;
  size_t width = 0, height = 0;
};

struct SegmentMaskParams {
  size_t num_masks, proto_width, proto_height;
  double input_width, input_height;
  double box[4];       // x1, y1, x2, y2 in input pixels
  PixelRegion region;  // of the model input
};

// One instance mask over a region of the model input (segment_mask.cc): writes
// region.width × region.height 0/1 bytes to `out` and returns the number of 1s.
size_t SegmentMask(const float* protos, const float* coefficients, const SegmentMaskParams& p,
                   uint8_t* out);

// The pixels of a region inside polygon rings (fill_polygons.cc): `points` holds x, y pairs ring
// after ring, `lengths` the points of each of `num_rings` rings; writes region.width ×
// region.height 0/1 bytes to `out` and returns the number of 1s.
size_t FillPolygons(const double* points, const int32_t* lengths, size_t num_rings,
                    const PixelRegion& region, uint8_t* out);

// exp(x − max) / Σ exp(x − max) with float64 accumulation; dst may alias src.
void Softmax(const float* src, float* dst, size_t n);

// Writes the indices of the min(k, n) largest values in score order; returns that count.
size_t TopK(const float* values, size_t n, size_t k, int32_t* out);

// --- decodeEnd2end and decodeBoxes (end2end.cc, boxes.cc) ---

struct End2endParams {
  size_t num_rows;
  double conf_threshold;
};

// Keeps the [N, 6] rows whose score is > conf_threshold, in row order; returns how many.
size_t DecodeEnd2end(const float* output, const End2endParams& p, float* boxes, float* scores,
                     int32_t* classes);

enum class BoxFormat { kXyxy = 0, kCxcywh = 1, kYxyx = 2 };
enum class ScoreActivation { kNone = 0, kSigmoid = 1, kSoftmax = 2 };

struct BoxesParams {
  size_t count, num_classes;
  BoxFormat format;
  double scale_x, scale_y;
  ScoreActivation activation;
  int64_t background;  // −1 when there is none
  double conf_threshold;
};

// Boxes [N, 4] and scores [N, C] (labels [N] or nullptr) → candidates; returns how many.
size_t DecodeBoxes(const float* boxes, const float* scores, const int32_t* labels,
                   const BoxesParams& p, float* out_boxes, float* out_scores, int32_t* out_classes);

// --- decodeYolox / decodeYunet (yolox.cc, yunet.cc) ---

struct YoloxParams {
  size_t num_classes, input_width, input_height;
  const size_t* strides;  // num_strides positive strides, anchors listed in this order
  size_t num_strides;
  double conf_threshold;
};

// YOLOX raw heads [N, 5 + C] → anchors whose objectness × best class score is > conf_threshold.
size_t DecodeYolox(const float* output, const YoloxParams& p, float* boxes, float* scores,
                   int32_t* classes);

struct YunetParams {
  size_t stride, grid_width, grid_height, num_keypoints;
  double conf_threshold;
};

// One YuNet stride (one anchor per cell); `kps` and `keypoints` are null when num_keypoints is 0.
size_t DecodeYunet(const float* cls, const float* obj, const float* bbox, const float* kps,
                   const YunetParams& p, float* boxes, float* scores, int32_t* classes,
                   float* keypoints);

// --- decodeScrfd / decodeRetinaface (scrfd.cc, retinaface.cc) ---

struct ScrfdParams {
  double stride;
  size_t grid_width, grid_height, anchors_per_cell, num_keypoints;
  double conf_threshold;
};

// One SCRFD stride → anchors whose score is > conf_threshold, in anchor order; returns how many.
// `kps` and `keypoints` are read and written only when num_keypoints > 0.
size_t DecodeScrfd(const float* scores, const float* bbox, const float* kps, const ScrfdParams& p,
                   float* out_boxes, float* out_scores, int32_t* out_classes, float* keypoints);

struct RetinafaceParams {
  double input_width, input_height;
  size_t num_levels;
  const double* steps;        // num_levels positive integers
  const size_t* level_sizes;  // how many min sizes each level has
  const double* min_sizes;    // every level's min sizes, level by level
  double variances[2];
  size_t num_keypoints;
  double conf_threshold;
};

// RetinaFace loc/conf/landmarks against its priors → priors whose face score is > conf_threshold,
// in prior order; returns how many. `landmarks` and `keypoints` are used only when
// num_keypoints > 0.
size_t DecodeRetinaface(const float* loc, const float* conf, const float* landmarks,
                        const RetinafaceParams& p, float* boxes, float* scores, int32_t* classes,
                        float* keypoints);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_KERNELS_H_
