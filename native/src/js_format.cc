// JavaScript-compatible formatting of numbers and values for error messages, so that messages are
// byte-identical to those of src/kernels/reference.ts (which uses JSON.stringify).
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "napi_util.h"

namespace rs {
namespace {

std::string JsonQuote(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

bool Utf8(napi_env env, napi_value v, std::string* out) {
  size_t length = 0;
  if (napi_get_value_string_utf8(env, v, nullptr, 0, &length) != napi_ok) return false;
  out->assign(length + 1, '\0');
  if (napi_get_value_string_utf8(env, v, out->data(), length + 1, &length) != napi_ok) return false;
  out->resize(length);
  return true;
}

// Object.prototype.toString.call(v), e.g. "[object Float32Array]".
std::string ObjectTag(napi_env env, napi_value v) {
  napi_value global, object, prototype, to_string, result;
  std::string tag;
  if (napi_get_global(env, &global) == napi_ok &&
      napi_get_named_property(env, global, "Object", &object) == napi_ok &&
      napi_get_named_property(env, object, "prototype", &prototype) == napi_ok &&
      napi_get_named_property(env, prototype, "toString", &to_string) == napi_ok &&
      napi_call_function(env, v, to_string, 0, nullptr, &result) == napi_ok &&
      Utf8(env, result, &tag)) {
    return tag;
  }
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (pending) {
    napi_value ignored;
    napi_get_and_clear_last_exception(env, &ignored);
  }
  return "[object Object]";
}

}  // namespace

std::string JsNumber(double v) {
  if (std::isnan(v)) return "NaN";
  if (v == 0) return "0";
  if (std::isinf(v)) return v < 0 ? "-Infinity" : "Infinity";
  if (v < 0) return "-" + JsNumber(-v);
  // Shortest round-trip digits, as ECMAScript Number::toString requires, then its layout rules.
  char buf[64];
  const auto res = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  const std::string sci(buf, res.ptr);  // "d[.ddd]e±XX"
  const size_t e = sci.find('e');
  const std::string digits = sci.substr(0, 1) + (e > 2 ? sci.substr(2, e - 2) : "");
  const int k = static_cast<int>(digits.size());
  const int n = std::atoi(sci.c_str() + e + 1) + 1;  // v = 0.digits × 10^n
  if (k <= n && n <= 21) return digits + std::string(n - k, '0');
  if (0 < n && n <= 21) return digits.substr(0, n) + "." + digits.substr(n);
  if (-6 < n && n <= 0) return "0." + std::string(-n, '0') + digits;
  const std::string exponent = (n - 1 < 0 ? "-" : "+") + std::to_string(std::abs(n - 1));
  return digits.substr(0, 1) + (k > 1 ? "." + digits.substr(1) : "") + "e" + exponent;
}

std::string JsonNumber(double v) { return std::isfinite(v) ? JsNumber(v) : "null"; }

std::string Shown(napi_env env, napi_value v) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  switch (type) {
    case napi_undefined:
      return "undefined";
    case napi_null:
      return "null";
    case napi_boolean: {
      bool b = false;
      napi_get_value_bool(env, v, &b);
      return b ? "true" : "false";
    }
    case napi_number: {
      double d = 0;
      napi_get_value_double(env, v, &d);
      return JsonNumber(d);
    }
    case napi_string: {
      std::string s;
      return Utf8(env, v, &s) ? JsonQuote(s) : "\"\"";
    }
    default:
      return JsonQuote(ObjectTag(env, v));
  }
}

}  // namespace rs
