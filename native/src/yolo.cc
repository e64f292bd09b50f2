// decodeYolo: YOLO head → candidates above the confidence threshold (see decodeYolo in
// reference.ts).
#include <string>

#include "bindings.h"
#include "candidates.h"
#include "decode_util.h"
#include "kernels.h"
#include "napi_util.h"

namespace rs {
namespace {

// options.numExtras: 0 when undefined, else a non-negative integer (read twice, as the reference
// does: `o.numExtras === undefined ? 0 : count(...)`).
bool NumExtrasField(napi_env env, napi_value options, double* out) {
  napi_value v;
  napi_valuetype type = napi_undefined;
  if (!GetField(env, options, "numExtras", &v)) return false;
  if (napi_typeof(env, v, &type) != napi_ok) {
    ThrowNapiFailure(env);
    return false;
  }
  if (type == napi_undefined) {
    *out = 0;
    return true;
  }
  return CountField(env, options, "options", "numExtras", out);
}

}  // namespace

size_t DecodeYolo(const float* output, const YoloParams& p, float* boxes, float* scores,
                  int32_t* classes, float* extras) {
  const size_t n = p.num_anchors, nc = p.num_classes, ne = p.num_extras;
  // Attribute a of anchor i lives at i * anchor_stride + a * attr_stride:
  // v8 is [4 + C + E][N] (attribute rows of N anchors), v5 is [N][5 + C] (one row per anchor).
  const size_t anchor_stride = p.v5 ? 5 + nc : 1;
  const size_t attr_stride = p.v5 ? 1 : n;
  const size_t first = p.v5 ? 5 : 4;
  size_t kept = 0;
  for (size_t i = 0; i < n; i++) {
    const float* anchor = output + i * anchor_stride;
    auto at = [anchor, attr_stride](size_t a) { return anchor[a * attr_stride]; };
    const size_t best = BestClass(anchor + first * attr_stride, attr_stride, nc);
    const float best_score = at(first + best);
    // v5: objectness × best class score, computed in float64 and rounded once (Math.fround).
    const float score =
        p.v5 ? static_cast<float>(static_cast<double>(at(4)) * best_score) : best_score;
    if (!(static_cast<double>(score) > p.conf_threshold)) continue;
    PutCentred(boxes, kept, at(0), at(1), static_cast<double>(at(2)) / 2,
               static_cast<double>(at(3)) / 2);
    for (size_t e = 0; e < ne; e++) extras[kept * ne + e] = at(first + nc + e);
    scores[kept] = score;
    classes[kept] = static_cast<int32_t>(best);
    kept++;
  }
  return kept;
}

napi_value DecodeYoloBinding(napi_env env, napi_callback_info info) {
  static const char* kLayouts[] = {"v8", "v5"};
  RS_ARGS(env, info, 3, argv);
  View output;
  Candidates out;
  size_t layout = 0;
  double nc = 0, n = 0, conf = 0, ne = 0;
  RS_CHECK(TypedArg(env, argv[0], napi_float32_array, "a Float32Array", "output", &output));
  RS_CHECK(ObjectArg(env, argv[1], "options"));
  RS_CHECK(ChoiceField(env, argv[1], "options", "layout", kLayouts, 2, "one of v8, v5", &layout));
  RS_CHECK(PositiveField(env, argv[1], "options", "numClasses", &nc));
  RS_CHECK(CountField(env, argv[1], "options", "numAnchors", &n));
  RS_CHECK(NumberField(env, argv[1], "options", "confThreshold", &conf));
  RS_CHECK(NumExtrasField(env, argv[1], &ne));
  const bool v5 = layout == 1;
  if (v5 && ne > 0) {
    ThrowExpected(env, ErrorKind::kRange, "0 (layout v5)", "options.numExtras", JsonNumber(ne));
    return nullptr;
  }
  RS_CHECK(CandidatesArg(env, argv[2], 0, &out, ne));
  const double len = v5 ? n * (5 + nc) : (4 + nc + ne) * n;
  const char* rows = ne > 0 ? "4 + numClasses + numExtras" : "4 + numClasses";
  const std::string shape =
      v5 ? "numAnchors * (5 + numClasses)" : std::string("(") + rows + ") * numAnchors";
  RS_CHECK(Exactly(env, static_cast<double>(output.length), len, "floats (" + shape + ")",
                   "output.length"));
  RS_CHECK(CheckCapacity(env, out, n, "numAnchors"));
  if (ne > 0) {
    RS_CHECK(AtLeast(env, static_cast<double>(out.extras.length), ne * n,
                     "floats (numExtras * numAnchors)", "out.extras.length"));
  }
  const YoloParams p{v5, static_cast<size_t>(nc), static_cast<size_t>(n), static_cast<size_t>(ne),
                     conf};
  const size_t kept = DecodeYolo(static_cast<const float*>(output.data), p, out.Boxes(),
                                 out.Scores(), out.Classes(), out.Extras());
  return NumberResult(env, static_cast<double>(kept));
}

}  // namespace rs
