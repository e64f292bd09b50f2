// decodeYunet (being written): see decodeYunet in src/kernels/yunet.ts.
#include "bindings.h"
#include "napi_util.h"

namespace rs {

napi_value DecodeYunetBinding(napi_env env, napi_callback_info) {
  napi_throw_error(env, nullptr, "decodeYunet is not implemented yet");
  return nullptr;
}

}  // namespace rs
