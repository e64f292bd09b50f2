// probeGpus([cudaLibraries], [nvmlLibraries]) → { devices, cudaDriverVersion?, nvmlDriverVersion?,
// library?, reason? }. src/kernels/native.ts turns this raw result into a GpuProbe. The optional
// library lists exist for tests (e.g. a library that does not exist, or one without cuInit).
#include <string>
#include <vector>

#include "bindings.h"
#include "gpu_probe.h"
#include "napi_util.h"

namespace rs {
namespace {

// Reads an optional array of strings; undefined gives `fallback`.
bool LibraryList(napi_env env, napi_value v, const char* name,
                 const std::vector<std::string>& fallback, std::vector<std::string>* out) {
  napi_valuetype type = napi_undefined;
  napi_typeof(env, v, &type);
  if (type == napi_undefined) {
    *out = fallback;
    return true;
  }
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, v, &is_array) != napi_ok || !is_array) {
    return ThrowExpected(env, ErrorKind::kType, "an array of library names", name, Shown(env, v));
  }
  napi_get_array_length(env, v, &length);
  for (uint32_t i = 0; i < length; i++) {
    napi_value item;
    size_t size = 0;
    char buf[512];
    if (napi_get_element(env, v, i, &item) != napi_ok ||
        napi_get_value_string_utf8(env, item, buf, sizeof buf, &size) != napi_ok) {
      const std::string element = std::string(name) + "[" + std::to_string(i) + "]";
      return ThrowExpected(env, ErrorKind::kType, "a string", element, Shown(env, item));
    }
    out->emplace_back(buf, size);
  }
  return true;
}

bool SetString(napi_env env, napi_value obj, const char* key, const std::string& value) {
  napi_value v;
  return napi_create_string_utf8(env, value.c_str(), value.size(), &v) == napi_ok &&
         napi_set_named_property(env, obj, key, v) == napi_ok;
}

bool SetNumber(napi_env env, napi_value obj, const char* key, double value) {
  napi_value v;
  return napi_create_double(env, value, &v) == napi_ok &&
         napi_set_named_property(env, obj, key, v) == napi_ok;
}

}  // namespace

napi_value ProbeGpusBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 2, argv);
  std::vector<std::string> cuda, nvml;
  RS_CHECK(LibraryList(env, argv[0], "cudaLibraries", DefaultCudaLibraries(), &cuda));
  RS_CHECK(LibraryList(env, argv[1], "nvmlLibraries", DefaultNvmlLibraries(), &nvml));
  const GpuProbeResult r = ProbeGpus(cuda, nvml);
  napi_value result, devices;
  RS_NAPI(env, napi_create_object(env, &result));
  RS_NAPI(env, napi_create_array_with_length(env, r.devices.size(), &devices));
  for (size_t i = 0; i < r.devices.size(); i++) {
    napi_value device;
    RS_NAPI(env, napi_create_object(env, &device));
    RS_CHECK(SetNumber(env, device, "index", r.devices[i].index));
    RS_CHECK(SetString(env, device, "name", r.devices[i].name));
    RS_CHECK(SetNumber(env, device, "totalMemoryBytes", r.devices[i].total_memory_bytes));
    RS_NAPI(env, napi_set_element(env, devices, static_cast<uint32_t>(i), device));
  }
  RS_NAPI(env, napi_set_named_property(env, result, "devices", devices));
  if (r.cuda_driver_version > 0) {
    RS_CHECK(SetNumber(env, result, "cudaDriverVersion", r.cuda_driver_version));
  }
  if (!r.nvml_driver_version.empty()) {
    RS_CHECK(SetString(env, result, "nvmlDriverVersion", r.nvml_driver_version));
  }
  if (!r.library.empty()) RS_CHECK(SetString(env, result, "library", r.library));
  if (!r.reason.empty()) RS_CHECK(SetString(env, result, "reason", r.reason));
  return result;
}

}  // namespace rs
