// softmax and topK (see softmax and topK in reference.ts).
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "bindings.h"
#include "kernels.h"
#include "napi_util.h"
#include "score_order.h"

namespace rs {

// Float64 accumulation; std::exp and V8's Math.exp may differ in the last ulp of a double, which
// rounding to float32 almost always hides (the parity tests compare with a tolerance).
void Softmax(const float* src, float* dst, size_t n) {
  double m = -std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < n; i++) {
    if (src[i] > m) m = src[i];
  }
  std::vector<double> e(n);
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    e[i] = std::exp(static_cast<double>(src[i]) - m);
    sum += e[i];
  }
  for (size_t i = 0; i < n; i++) dst[i] = static_cast<float>(e[i] / sum);
}

size_t TopK(const float* values, size_t n, size_t k, int32_t* out) {
  const size_t count = std::min(k, n);
  std::vector<int32_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::partial_sort(order.begin(), order.begin() + count, order.end(), ScoreOrder{values});
  std::copy(order.begin(), order.begin() + count, out);
  return count;
}

napi_value SoftmaxBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 2, argv);
  View src, dst;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "src", &src));
  RS_CHECK(TypedArg(env, argv[1], napi_float32_array, "a Float32Array", "dst", &dst));
  RS_CHECK(Exactly(env, static_cast<double>(dst.length), static_cast<double>(src.length),
                   "floats (src.length)", "dst.length"));
  Softmax(static_cast<const float*>(src.data), static_cast<float*>(dst.data), src.length);
  return nullptr;
}

napi_value TopKBinding(napi_env env, napi_callback_info info) {
  RS_ARGS(env, info, 3, argv);
  View values, out;
  double k = 0;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "values", &values));
  RS_CHECK(CountValue(env, argv[1], "k", &k));
  RS_CHECK(TypedArg(env, argv[2], napi_int32_array, "an Int32Array", "outIndices", &out));
  const double len = static_cast<double>(values.length);
  const double count = k < len ? k : len;
  RS_CHECK(AtLeast(env, static_cast<double>(out.length), count, "entries (min(k, values.length))",
                   "outIndices.length"));
  const size_t written = TopK(static_cast<const float*>(values.data), values.length,
                              static_cast<size_t>(count), static_cast<int32_t*>(out.data));
  return NumberResult(env, static_cast<double>(written));
}

}  // namespace rs
