// Argument checking shared by the bindings. Every check mirrors one in src/kernels/checks.ts and
// throws the same error with the same message: "Expected <what> for <name> but received <value>".
// A function returning false has left a JavaScript exception pending.
#ifndef ROCKETSERVE_NATIVE_NAPI_UTIL_H_
#define ROCKETSERVE_NATIVE_NAPI_UTIL_H_

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "kernels.h"

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

// The number tests of checks.ts: isCount, isPositiveCount (isCount && !== 0), isPositiveFinite.
bool IsCount(double v);
bool IsPositiveCount(double v);
bool IsPositiveFinite(double v);

// TypeError unless `v` is a typed array of `type`; `what` is e.g. "a Float32Array".
bool TypedArg(napi_env env, napi_value v, napi_typedarray_type type, const char* what,
              const char* name, View* out);
// typedOrNull: a typed array of `type` (*present = true) or null (*present = false, *out left as it
// is); TypeError "<what> or null" otherwise.
bool TypedOrNull(napi_env env, napi_value v, napi_typedarray_type type, const char* what,
                 const char* name, View* out, bool* present);
// TypeError unless `v` is an object (arrays included, functions and null excluded).
bool ObjectArg(napi_env env, napi_value v, const char* name);
// array: TypeError "an array" unless `v` is an array; *length is its length.
bool ArrayValue(napi_env env, napi_value v, const std::string& name, uint32_t* length);

// Option fields: read obj[key], named "<prefix>.<key>" in messages; RangeError when invalid.
bool CountField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool PositiveField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
// The region a kernel writes: options.regionX, regionY, regionWidth and regionHeight, each a
// non-negative integer, read in that order (region in checks.ts).
bool RegionFields(napi_env env, napi_value options, PixelRegion* out);
bool FiniteField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
bool NumberField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out);
// A number satisfying `ok`, else RangeError "Expected <what>" (field in checks.ts).
bool NumberFieldIf(napi_env env, napi_value obj, const char* prefix, const char* key,
                   const char* what, bool (*ok)(double), double* out);
bool BoolField(napi_env env, napi_value obj, const char* prefix, const char* key, bool* out);
// Index of the string obj[key] among `choices`; `what` lists them ("one of v8, v5").
bool ChoiceField(napi_env env, napi_value obj, const char* prefix, const char* key,
                 const char* const* choices, size_t count, const char* what, size_t* out);
// array(obj[key]), named "<prefix>.<key>".
bool ArrayField(napi_env env, napi_value obj, const char* prefix, const char* key, napi_value* out,
                uint32_t* length);
// Element i of `array`; RangeError "Expected <what> for <name>[i]" unless it is a number
// satisfying `ok` (entry in checks.ts).
bool NumberEntry(napi_env env, napi_value array, uint32_t i, const std::string& name,
                 const char* what, bool (*ok)(double), double* out);
// Every entry of an array of `length` numbers, in order, appended to `out` (entries in checks.ts).
bool NumberEntries(napi_env env, napi_value array, uint32_t length, const std::string& name,
                   const char* what, bool (*ok)(double), std::vector<double>* out);
// RangeError unless `v` is a non-negative safe integer.
bool CountValue(napi_env env, napi_value v, const std::string& name, double* out);

// RangeError "Expected at least <min> <what> for <name> but received <length>" when length < min.
bool AtLeast(napi_env env, double length, double min, const std::string& what, const char* name);
// RangeError "Expected at most <max> (<max_name>) for <name> but received <value>" when value >
// max.
bool AtMost(napi_env env, double value, double max, const char* max_name, const char* name);
// RangeError "Expected <n> <what> for <name> but received <length>" when length != n.
bool Exactly(napi_env env, double length, double n, const std::string& what, const char* name);
// Reads obj[key] (running getters), like `obj[key]` in JavaScript.
bool GetField(napi_env env, napi_value obj, const char* key, napi_value* out);
// `v` as a JavaScript number (a kernel's count), or nullptr with an exception pending.
napi_value NumberResult(napi_env env, double v);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_NAPI_UTIL_H_
