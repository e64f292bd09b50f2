// nmsRotated: greedy NMS of oriented boxes with Ultralytics' probabilistic IoU (see rotated-nms.ts,
// whose operations this performs in the same order in float64).
#include <cmath>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"
#include "nms.h"

namespace rs {
namespace {

constexpr double kEps = 1e-7;

// covariances: the Gaussian of each box, A (xx), B (yy), C (xy), 3 doubles per box.
std::vector<double> Covariances(const float* boxes, size_t n) {
  std::vector<double> cov(3 * n);
  for (size_t i = 0; i < n; i++) {
    const double w = boxes[5 * i + 2], h = boxes[5 * i + 3], angle = boxes[5 * i + 4];
    const double a = w * w / 12;
    const double b = h * h / 12;
    const double c = std::cos(angle);
    const double s = std::sin(angle);
    cov[3 * i] = a * c * c + b * s * s;
    cov[3 * i + 1] = a * s * s + b * c * c;
    cov[3 * i + 2] = (a - b) * c * s;
  }
  return cov;
}

// probiou: 1 − the Hellinger distance of the Gaussians of boxes i and j.
double ProbIou(const float* boxes, const double* cov, size_t i, size_t j) {
  const double xi = boxes[5 * i], yi = boxes[5 * i + 1], xj = boxes[5 * j], yj = boxes[5 * j + 1];
  const double ai = cov[3 * i], bi = cov[3 * i + 1], ci = cov[3 * i + 2];
  const double aj = cov[3 * j], bj = cov[3 * j + 1], cj = cov[3 * j + 2];
  const double a = ai + aj, b = bi + bj, c = ci + cj;
  const double dx = xi - xj, dy = yi - yj;
  const double det = a * b - c * c;
  const double t1 = (a * dy * dy + b * dx * dx) / (det + kEps) * 0.25;
  const double t2 = (c * (xj - xi) * dy) / (det + kEps) * 0.5;
  const double det_i = ai * bi - ci * ci;
  const double det_j = aj * bj - cj * cj;
  const double spread = std::sqrt((det_i > 0 ? det_i : 0) * (det_j > 0 ? det_j : 0));
  const double t3 = std::log(det / (4 * spread + kEps) + kEps) * 0.5;
  const double t = t1 + t2 + t3;
  // Comparisons, not std::clamp, so that NaN passes through as in the reference.
  const double bd = t < kEps ? kEps : t > 100 ? 100 : t;
  return 1 - std::sqrt(1 - std::exp(-bd) + kEps);
}

}  // namespace

size_t NmsRotated(const float* boxes, const float* scores, const int32_t* classes,
                  const NmsParams& p, int32_t* out) {
  const std::vector<double> cov = Covariances(boxes, p.count);
  return Suppress(scores, classes, p, out,
                  [boxes, &cov](int32_t i, int32_t j) { return ProbIou(boxes, cov.data(), i, j); });
}

napi_value NmsRotatedBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 5, argv);
  NmsArgs args;
  RS_CHECK(ReadNmsArgs(env, argv, 5, &args));
  const size_t kept =
      NmsRotated(args.Boxes(), args.Scores(), args.Classes(), args.params, args.Out());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
