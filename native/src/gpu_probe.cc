// The dlopen()/dlsym() side of the GPU probe. Function types are declared here from the driver
// API's documented C signatures; CUresult/nvmlReturn_t are ints, 0 meaning success.
#include "gpu_probe.h"

#include <dlfcn.h>

#include <cstddef>
#include <string>

namespace rs {
namespace {

using CuInit = int (*)(unsigned int flags);
using CuDeviceGetCount = int (*)(int* count);
using CuDeviceGet = int (*)(int* device, int ordinal);
using CuDeviceGetName = int (*)(char* name, int length, int device);
using CuDeviceTotalMem = int (*)(size_t* bytes, int device);
using CuDriverGetVersion = int (*)(int* version);
using NvmlInit = int (*)();
using NvmlSystemGetDriverVersion = int (*)(char* version, unsigned int length);
using NvmlShutdown = int (*)();

template <typename Fn>
bool Symbol(void* handle, const char* name, Fn* out) {
  void* p = dlsym(handle, name);
  *out = reinterpret_cast<Fn>(p);
  return p != nullptr;
}

// dlopen()s the first library of `names` that loads; on failure describes why in *error.
void* OpenFirst(const std::vector<std::string>& names, std::string* opened, std::string* error) {
  std::string tried, last;
  for (const std::string& name : names) {
    if (void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL)) {
      *opened = name;
      return handle;
    }
    const char* why = dlerror();
    last = why ? why : "unknown dlopen error";
    tried += (tried.empty() ? "" : ", ") + name;
  }
  *error = names.empty() ? "no library to try" : tried + " not found (" + last + ")";
  return nullptr;
}

std::string CuError(const std::string& call, int code) {
  const char* name = code == 100   ? " (CUDA_ERROR_NO_DEVICE)"
                     : code == 35  ? " (CUDA_ERROR_INSUFFICIENT_DRIVER)"
                     : code == 34  ? " (CUDA_ERROR_STUB_LIBRARY)"
                     : code == 46  ? " (CUDA_ERROR_DEVICES_UNAVAILABLE)"
                     : code == 999 ? " (CUDA_ERROR_UNKNOWN)"
                                   : "";
  return call + " failed with CUresult " + std::to_string(code) + name;
}

std::string NvmlDriverVersion(const std::vector<std::string>& libraries) {
  std::string opened, error;
  void* handle = OpenFirst(libraries, &opened, &error);
  if (!handle) return "";
  NvmlInit init;
  NvmlSystemGetDriverVersion version;
  NvmlShutdown shutdown;
  std::string result;
  if (Symbol(handle, "nvmlInit_v2", &init) && Symbol(handle, "nvmlShutdown", &shutdown) &&
      Symbol(handle, "nvmlSystemGetDriverVersion", &version) && init() == 0) {
    char buf[96] = {0};
    if (version(buf, sizeof buf - 1) == 0) result = buf;
    shutdown();
  }
  dlclose(handle);
  return result;
}

// Lists the devices of an initialised driver; stops at the first failing call.
void ListDevices(void* handle, GpuProbeResult* r) {
  CuDeviceGetCount get_count;
  CuDeviceGet get;
  CuDeviceGetName get_name;
  CuDeviceTotalMem total_mem;
  if (!Symbol(handle, "cuDeviceGetCount", &get_count) || !Symbol(handle, "cuDeviceGet", &get) ||
      !Symbol(handle, "cuDeviceGetName", &get_name) ||
      !(Symbol(handle, "cuDeviceTotalMem_v2", &total_mem) ||
        Symbol(handle, "cuDeviceTotalMem", &total_mem))) {
    r->reason = r->library + " lacks a device query function";
    return;
  }
  int count = 0;
  if (int code = get_count(&count)) {
    r->reason = CuError("cuDeviceGetCount", code);
    return;
  }
  for (int i = 0; i < count; i++) {
    int device = 0;
    char name[256] = {0};
    size_t bytes = 0;
    int code = get(&device, i);
    if (code == 0) code = get_name(name, sizeof name - 1, device);
    if (code == 0) code = total_mem(&bytes, device);
    if (code != 0) {
      r->reason = CuError("querying device " + std::to_string(i), code);
      return;
    }
    r->devices.push_back({i, name, static_cast<double>(bytes)});
  }
  if (count == 0) r->reason = "the driver reports no CUDA device";
}

}  // namespace

std::vector<std::string> DefaultCudaLibraries() { return {"libcuda.so.1", "libcuda.so"}; }
std::vector<std::string> DefaultNvmlLibraries() { return {"libnvidia-ml.so.1", "libnvidia-ml.so"}; }

GpuProbeResult ProbeGpus(const std::vector<std::string>& cuda_libraries,
                         const std::vector<std::string>& nvml_libraries) {
  GpuProbeResult r;
  void* handle = OpenFirst(cuda_libraries, &r.library, &r.reason);
  if (!handle) return r;
  CuInit init;
  if (!Symbol(handle, "cuInit", &init)) {
    r.reason = "cuInit not found in " + r.library;
    dlclose(handle);
    return r;
  }
  // From here on the driver may be initialised: the handle stays open for the process's lifetime.
  CuDriverGetVersion driver_version;
  if (Symbol(handle, "cuDriverGetVersion", &driver_version)) driver_version(&r.cuda_driver_version);
  if (int code = init(0)) {
    r.reason = CuError("cuInit", code);
  } else {
    ListDevices(handle, &r);
  }
  r.nvml_driver_version = NvmlDriverVersion(nvml_libraries);
  return r;
}

}  // namespace rs
