// The Node-API callbacks exported by addon.cc. Each validates its arguments exactly like
// src/kernels/reference.ts and then calls the kernel in kernels.h.
#ifndef ROCKETSERVE_NATIVE_BINDINGS_H_
#define ROCKETSERVE_NATIVE_BINDINGS_H_

#include <node_api.h>

#include <cstdint>

namespace rs {

// Bumped whenever the exported functions change shape; checked by src/kernels/native.ts.
constexpr int32_t kAbiVersion = 7;

napi_value NormalizeToChwBinding(napi_env env, napi_callback_info info);
napi_value ResizeLinearBinding(napi_env env, napi_callback_info info);
napi_value DecodeYoloBinding(napi_env env, napi_callback_info info);
napi_value DecodeEnd2endBinding(napi_env env, napi_callback_info info);
napi_value DecodeBoxesBinding(napi_env env, napi_callback_info info);
napi_value DecodeYoloxBinding(napi_env env, napi_callback_info info);
napi_value DecodeScrfdBinding(napi_env env, napi_callback_info info);
napi_value DecodeYunetBinding(napi_env env, napi_callback_info info);
napi_value DecodeRetinafaceBinding(napi_env env, napi_callback_info info);
napi_value NmsBinding(napi_env env, napi_callback_info info);
napi_value NmsRotatedBinding(napi_env env, napi_callback_info info);
napi_value SegmentMaskBinding(napi_env env, napi_callback_info info);
napi_value FillPolygonsBinding(napi_env env, napi_callback_info info);
napi_value SoftmaxBinding(napi_env env, napi_callback_info info);
napi_value TopKBinding(napi_env env, napi_callback_info info);
napi_value ProbeGpusBinding(napi_env env, napi_callback_info info);
napi_value LowerThreadPriorityBinding(napi_env env, napi_callback_info info);
napi_value UseRealtimePriorityBinding(napi_env env, napi_callback_info info);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_BINDINGS_H_
