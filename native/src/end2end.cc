// decodeEnd2end (being written): see decodeEnd2end in src/kernels/end2end.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeEnd2endBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeEnd2end is not implemented yet");
  return nullptr;
}

}  // namespace rs
