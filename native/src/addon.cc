// Registration of the rocketserve_native addon. Context-aware (NAPI_MODULE_INIT, no global state),
// so it can be loaded in several worker_threads at once.
#include <node_api.h>

#include "bindings.h"
#include "napi_util.h"

namespace {

napi_property_descriptor Method(const char* name, napi_callback cb) {
  return {name, nullptr, cb, nullptr, nullptr, nullptr, napi_enumerable, nullptr};
}

}  // namespace

NAPI_MODULE_INIT() {
  napi_value abi;
  RS_NAPI(env, napi_create_int32(env, rs::kAbiVersion, &abi));
  const napi_property_descriptor properties[] = {
      {"ABI_VERSION", nullptr, nullptr, nullptr, nullptr, abi, napi_enumerable, nullptr},
      Method("normalizeToChw", rs::NormalizeToChwBinding),
      Method("resizeLinear", rs::ResizeLinearBinding),
      Method("decodeYolo", rs::DecodeYoloBinding),
      Method("decodeEnd2end", rs::DecodeEnd2endBinding),
      Method("decodeBoxes", rs::DecodeBoxesBinding),
      Method("decodeYolox", rs::DecodeYoloxBinding),
      Method("decodeScrfd", rs::DecodeScrfdBinding),
      Method("decodeYunet", rs::DecodeYunetBinding),
      Method("decodeRetinaface", rs::DecodeRetinafaceBinding),
      Method("nms", rs::NmsBinding),
      Method("nmsRotated", rs::NmsRotatedBinding),
      Method("segmentMask", rs::SegmentMaskBinding),
      Method("fillPolygons", rs::FillPolygonsBinding),
      Method("softmax", rs::SoftmaxBinding),
      Method("topK", rs::TopKBinding),
      Method("probeGpus", rs::ProbeGpusBinding),
      Method("lowerThreadPriority", rs::LowerThreadPriorityBinding),
      Method("useRealtimePriority", rs::UseRealtimePriorityBinding),
  };
  RS_NAPI(env, napi_define_properties(env, exports, sizeof properties / sizeof properties[0],
                                      properties));
  return exports;
}
