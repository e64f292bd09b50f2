// decodeRetinaface (being written): see decodeRetinaface in src/kernels/retinaface.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeRetinafaceBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeRetinaface is not implemented yet");
  return nullptr;
}

}  // namespace rs
