// Run-time probe of the NVIDIA driver: dlopen()s libcuda (and NVML for the driver version string)
// and asks it for its devices. Never links or includes CUDA; never throws or crashes when the
// driver is missing or unusable (the result says why instead).
#ifndef ROCKETSERVE_NATIVE_GPU_PROBE_H_
#define ROCKETSERVE_NATIVE_GPU_PROBE_H_

#include <string>
#include <vector>

namespace rs {

struct GpuDeviceInfo {
  int index = 0;
  std::string name;
  double total_memory_bytes = 0;
};

struct GpuProbeResult {
  std::vector<GpuDeviceInfo> devices;
  // cuDriverGetVersion (e.g. 12040 for CUDA 12.4); 0 when unknown.
  int cuda_driver_version = 0;
  // nvmlSystemGetDriverVersion (e.g. "550.54.15"); empty when unknown.
  std::string nvml_driver_version;
  // The CUDA library that loaded; empty when none did.
  std::string library;
  // Why no device is listed; empty when devices were found.
  std::string reason;
};

// Default library names, tried in order.
std::vector<std::string> DefaultCudaLibraries();
std::vector<std::string> DefaultNvmlLibraries();

// Probes the first loadable library of each list (an empty NVML list skips NVML).
GpuProbeResult ProbeGpus(const std::vector<std::string>& cuda_libraries,
                         const std::vector<std::string>& nvml_libraries);

}  // namespace rs

#endif  // ROCKETSERVE_NATIVE_GPU_PROBE_H_
