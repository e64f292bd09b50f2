// Lowers the CPU priority (nice value) of the calling thread. Inference worker threads call it
// before creating their onnxruntime session, whose intra-op threads inherit the value, so the
// main thread (health probes, uploads) wins the CPU when every core is busy.
#include <node_api.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bindings.h"
#include "napi_util.h"

#if defined(__linux__)
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace rs {

// [sync] lowerThreadPriority(increment: integer 0..19) → the thread's new nice value, or null
// where threads have no nice value of their own (not Linux). Throws RangeError on a bad
// increment, Error when the kernel refuses.
napi_value LowerThreadPriorityBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 1, argv);
  double increment = 0;
  RS_CHECK(CountValue(env, argv[0], "increment", &increment));
  if (increment > 19) {
    ThrowExpected(env, ErrorKind::kRange, "an integer from 0 to 19", "increment",
                  JsNumber(increment));
    return nullptr;
  }
  napi_value result;
#if defined(__linux__)
  const id_t tid = static_cast<id_t>(syscall(SYS_gettid));
  errno = 0;
  const int current = getpriority(PRIO_PROCESS, tid);
  if (errno != 0 || setpriority(PRIO_PROCESS, tid, current + static_cast<int>(increment)) != 0) {
    const std::string message = std::string("setpriority failed: ") + std::strerror(errno);
    napi_throw_error(env, nullptr, message.c_str());
    return nullptr;
  }
  RS_NAPI(env, napi_create_int32(env, getpriority(PRIO_PROCESS, tid), &result));
#else
  RS_NAPI(env, napi_get_null(env, &result));
#endif
  return result;
}

}  // namespace rs
