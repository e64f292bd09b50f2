// decodeYolox (being written): see decodeYolox in src/kernels/yolox.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeYoloxBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeYolox is not implemented yet");
  return nullptr;
}

}  // namespace rs
