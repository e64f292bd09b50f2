// Argument checking shared by the bindings. Every check mirrors one in src/kernels/reference.ts and
// throws the same error with the same message: "Expected <what> for <name> but received <value>".
// A function returning false has left a JavaScript exception pending.
#ifndef ROCKETSERVE_NATIVE_NAPI_UTIL_H_
#define ROCKETSERVE_NATIVE_NAPI_UTIL_H_

#include <node_api.h>

#include <cstddef>
#include <string>

// Returns nullptr from a callback when a check failed (its exception is pending).
#define RS_CHECK(expr) \
  do {                 \
    if (!(expr)) {     \
      return nullptr;  \
    }                  \
  } while (0)

// Calls Node-API; on failure makes sure an exception is pending and returns nullptr.
#define RS_NAPI(env, call)         \
  do {                             \
    if ((call) != napi_ok) {       \
      rs::ThrowNapiFailure((env)); \
      return nullptr;              \
    }                              \
  } while (0)

// Declares `argv[n]` holding the first n arguments; missing ones are undefined.
#define RS_ARGS(env, info, n, argv)                                                    \
  napi_value argv[n];                                                                  \
  do {                                                                                 \
    size_t rs_argc = (n);                                                              \
    RS_NAPI((env), napi_get_cb_info((env), (info), &rs_argc, argv, nullptr, nullptr)); \
  } while (0)

namespace rs {

// A typed array's elements (already offset by its byteOffset).
struct View {
  void* data = nullptr;
  size_t length = 0;
};

enum class ErrorKind { kType, kRange };

// Number.prototype.toString(v), e.g. "1.5", "1e+21", "NaN".
std::string JsNumber(double v);
// JSON.stringify of a number: like JsNumber, but "null" when not finite.
std::string JsonNumber(double v);
// How reference.ts shows a received value: JSON of primitives, Object.prototype.toString otherwise.
std::string Shown(napi_env env, napi_value v);

// Throws "Expected <what> for <name> but received <received>"; returns false.
bool ThrowExpected(napi_env env, ErrorKind kind, const std::string& what, const std::string& name,
                   const std::string& received);
// Throws a generic error for a failed Node-API call unless an exception is already pending.
void ThrowNapiFailure(napi_env env);

// TypeError unless `v` is a typed array of `type`; `what` is e.g. "a Float32Array".
bool TypedArg(napi_env env, napi_value v, napi_typedarray_type type, const char* what,
              const char* name, View* out);
// TypeError unless `v` is an object (arrays included, functions and null excluded).
bool ObjectArg(napi_env env, napi_value v, const char* name);

// Option fields: read obj[key], named "<prefix>.<key>" in messages; RangeError when invalid.
bool CountField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool PositiveField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool FiniteField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool NumberField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool BoolField(napi_env env, napi_value obj, const char* prefix, const char* key, bool* out);
// Index of the string obj[key] among `choices`; `what` lists them ("one of v8, v5").
bool ChoiceField(napi_env env, napi_value obj, const char* prefix, const char* key,
                 const char* const* choices, size_t count, const char* what, size_t* out);
// RangeError unless `v` is a non-negative safe integer.
bool CountValue(napi_env env, napi_value v, const std::string& name, double* out);
// RangeError "Expected at least <min> <what> for <name> but received <length>" when length < min.
bool AtLeast(napi_env env, double length, double min, const std::string& what, const char* name);
// Reads obj[key] (running getters), like `obj[key]` in JavaScript.
bool GetField(napi_env env, napi_value obj, const char* key, napi_value* out);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_NAPI_UTIL_H_
