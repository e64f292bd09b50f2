// Argument and option checks; each mirrors a helper of src/kernels/checks.ts (typed, typedOrNull,
// object, array, field, entry, entries, isCount, isPositiveCount, isFiniteNumber, isNumber, oneOf,
// atLeast, exactly).
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "napi_util.h"

namespace rs {
namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;

bool AsNumber(napi_env env, napi_value v, double* out) {
  napi_valuetype type = napi_undefined;
  return napi_typeof(env, v, &type) == napi_ok && type == napi_number &&
         napi_get_value_double(env, v, out) == napi_ok;
}

std::string Dotted(const char* prefix, const char* key) { return std::string(prefix) + "." + key; }

}  // namespace

bool IsCount(double v) {
  return std::isfinite(v) && std::trunc(v) == v && v >= 0 && v <= kMaxSafeInteger;
}

bool IsPositiveCount(double v) { return IsCount(v) && v != 0; }

bool IsPositiveFinite(double v) { return std::isfinite(v) && v > 0; }

bool ThrowExpected(napi_env env, ErrorKind kind, const std::string& what, const std::string& name,
                   const std::string& received) {
  const std::string message = "Expected " + what + " for " + name + " but received " + received;
  if (kind == ErrorKind::kType) {
    napi_throw_type_error(env, nullptr, message.c_str());
  } else {
    napi_throw_range_error(env, nullptr, message.c_str());
  }
  return false;
}

void ThrowNapiFailure(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) return;
  const napi_extended_error_info* info = nullptr;
  napi_get_last_error_info(env, &info);
  const char* message = info && info->error_message ? info->error_message : "Node-API call failed";
  napi_throw_error(env, nullptr, message);
}

bool GetField(napi_env env, napi_value obj, const char* key, napi_value* out) {
  if (napi_get_named_property(env, obj, key, out) == napi_ok) return true;
  ThrowNapiFailure(env);
  return false;
}

napi_value NumberResult(napi_env env, double v) {
  napi_value result;
  RS_NAPI(env, napi_create_double(env, v, &result));
  return result;
}

bool TypedArg(napi_env env, napi_value v, napi_typedarray_type type, const char* what,
              const char* name, View* out) {
  bool is_typed = false;
  napi_typedarray_type actual;
  napi_value buffer;
  size_t offset = 0;
  if (napi_is_typedarray(env, v, &is_typed) == napi_ok && is_typed &&
      napi_get_typedarray_info(env, v, &actual, &out->length, &out->data, &buffer, &offset) ==
          napi_ok &&
      actual == type) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kType, what, name, Shown(env, v));
}

bool TypedOrNull(napi_env env, napi_value v, napi_typedarray_type type, const char* what,
                 const char* name, View* out, bool* present) {
  napi_valuetype kind = napi_undefined;
  *present = !(napi_typeof(env, v, &kind) == napi_ok && kind == napi_null);
  return !*present || TypedArg(env, v, type, (std::string(what) + " or null").c_str(), name, out);
}

bool ObjectArg(napi_env env, napi_value v, const char* name) {
  napi_valuetype type = napi_undefined;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_object) return true;
  return ThrowExpected(env, ErrorKind::kType, "an object", name, Shown(env, v));
}

bool ArrayValue(napi_env env, napi_value v, const std::string& name, uint32_t* length) {
  bool is_array = false;
  if (napi_is_array(env, v, &is_array) == napi_ok && is_array &&
      napi_get_array_length(env, v, length) == napi_ok) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kType, "an array", name, Shown(env, v));
}

bool NumberFieldIf(napi_env env, napi_value obj, const char* prefix, const char* key,
                   const char* what, bool (*ok)(double), double* out) {
  napi_value v;
  if (!GetField(env, obj, key, &v)) return false;
  if (AsNumber(env, v, out) && ok(*out)) return true;
  return ThrowExpected(env, ErrorKind::kRange, what, Dotted(prefix, key), Shown(env, v));
}

bool CountField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out) {
  return NumberFieldIf(env, obj, prefix, key, "a non-negative integer", IsCount, out);
}

bool RegionFields(napi_env env, napi_value options, PixelRegion* out) {
  double width = 0, height = 0;
  if (!CountField(env, options, "options", "regionX", &out->x) ||
      !CountField(env, options, "options", "regionY", &out->y) ||
      !CountField(env, options, "options", "regionWidth", &width) ||
      !CountField(env, options, "options", "regionHeight", &height)) {
    return false;
  }
  out->width = static_cast<size_t>(width);
  out->height = static_cast<size_t>(height);
  return true;
}

bool PositiveField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out) {
  return NumberFieldIf(env, obj, prefix, key, "a positive integer", IsPositiveCount, out);
}

bool FiniteField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out) {
  auto ok = [](double v) { return std::isfinite(v); };
  return NumberFieldIf(env, obj, prefix, key, "a finite number", ok, out);
}

bool NumberField(napi_env env, napi_value obj, const char* prefix, const char* key, double* out) {
  auto ok = [](double v) { return !std::isnan(v); };
  return NumberFieldIf(env, obj, prefix, key, "a number", ok, out);
}

bool BoolField(napi_env env, napi_value obj, const char* prefix, const char* key, bool* out) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (!GetField(env, obj, key, &v)) return false;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_boolean &&
      napi_get_value_bool(env, v, out) == napi_ok) {
    return true;
  }
  return ThrowExpected(env, ErrorKind::kRange, "a boolean", Dotted(prefix, key), Shown(env, v));
}

bool ChoiceField(napi_env env, napi_value obj, const char* prefix, const char* key,
                 const char* const* choices, size_t count, const char* what, size_t* out) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (!GetField(env, obj, key, &v)) return false;
  char buf[16];
  size_t length = 0;
  if (napi_typeof(env, v, &type) == napi_ok && type == napi_string &&
      napi_get_value_string_utf8(env, v, buf, sizeof buf, &length) == napi_ok &&
      length < sizeof buf - 1) {
    for (size_t i = 0; i < count; i++) {
      if (std::strcmp(buf, choices[i]) == 0 && std::strlen(choices[i]) == length) {
        *out = i;
        return true;
      }
    }
  }
  return ThrowExpected(env, ErrorKind::kRange, what, Dotted(prefix, key), Shown(env, v));
}

bool ArrayField(napi_env env, napi_value obj, const char* prefix, const char* key, napi_value* out,
                uint32_t* length) {
  return GetField(env, obj, key, out) && ArrayValue(env, *out, Dotted(prefix, key), length);
}

bool NumberEntry(napi_env env, napi_value array, uint32_t i, const std::string& name,
                 const char* what, bool (*ok)(double), double* out) {
  napi_value v;
  if (napi_get_element(env, array, i, &v) != napi_ok) {
    ThrowNapiFailure(env);
    return false;
  }
  if (AsNumber(env, v, out) && ok(*out)) return true;
  return ThrowExpected(env, ErrorKind::kRange, what, name + "[" + std::to_string(i) + "]",
                       Shown(env, v));
}

bool NumberEntries(napi_env env, napi_value array, uint32_t length, const std::string& name,
                   const char* what, bool (*ok)(double), std::vector<double>* out) {
  for (uint32_t i = 0; i < length; i++) {
    double v = 0;
    if (!NumberEntry(env, array, i, name, what, ok, &v)) return false;
    out->push_back(v);
  }
  return true;
}

bool CountValue(napi_env env, napi_value v, const std::string& name, double* out) {
  if (AsNumber(env, v, out) && IsCount(*out)) return true;
  return ThrowExpected(env, ErrorKind::kRange, "a non-negative integer", name, Shown(env, v));
}

bool AtLeast(napi_env env, double length, double min, const std::string& what, const char* name) {
  if (length >= min) return true;
  return ThrowExpected(env, ErrorKind::kRange, "at least " + JsNumber(min) + " " + what, name,
                       JsonNumber(length));
}

bool AtMost(napi_env env, double value, double max, const char* max_name, const char* name) {
  if (value <= max) return true;
  return ThrowExpected(env, ErrorKind::kRange, "at most " + JsNumber(max) + " (" + max_name + ")",
                       name, JsonNumber(value));
}

bool Exactly(napi_env env, double length, double n, const std::string& what, const char* name) {
  if (length == n) return true;
  return ThrowExpected(env, ErrorKind::kRange, JsNumber(n) + " " + what, name, JsonNumber(length));
}

}  // namespace rs
