// decodeScrfd (being written): see decodeScrfd in src/kernels/scrfd.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeScrfdBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeScrfd is not implemented yet");
  return nullptr;
}

}  // namespace rs
