// CPU priority of the calling thread. Inference worker threads lower their nice value before
// creating their onnxruntime session, whose intra-op threads inherit it; the event-loop thread may
// ask for real-time round-robin scheduling. Either way the main thread (health probes, uploads)
// wins the CPU when every core is busy.
#include <node_api.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "bindings.h"
#include "napi_util.h"

#if defined(__linux__)
#include <sched.h>
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

// [sync] useRealtimePriority() → true once the calling thread runs under SCHED_RR at priority 1,
// or null where there is no such policy (not Linux). SCHED_RESET_ON_FORK makes every thread it
// creates afterwards (inference workers, libuv's pool) start at normal priority. Throws Error when
// the kernel refuses (no CAP_SYS_NICE and RLIMIT_RTPRIO of 0).
napi_value UseRealtimePriorityBinding(napi_env env, napi_callback_info /*info*/) {
  napi_value result;
#if defined(__linux__)
  const sched_param param{1};
  if (sched_setscheduler(0, SCHED_RR | SCHED_RESET_ON_FORK, &param) != 0) {
    const std::string message =
        std::string("sched_setscheduler(SCHED_RR) failed: ") + std::strerror(errno);
    napi_throw_error(env, nullptr, message.c_str());
    return nullptr;
  }
  RS_NAPI(env, napi_get_boolean(env, true, &result));
#else
  RS_NAPI(env, napi_get_null(env, &result));
#endif
  return result;
}

}  // namespace rs
