// decodeBoxes (being written): see decodeBoxes in src/kernels/boxes.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeBoxesBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeBoxes is not implemented yet");
  return nullptr;
}

}  // namespace rs
