/** Flags that set a POST /process query parameter of the same meaning (`--max-detections` → `maxDetections`). */
const THRESHOLD_FLAGS = {
  confidence: 'confidence',
  iou: 'iou',
  topk: 'topk',
  'max-detections': 'maxDetections',
} as const;

/** The node:util parseArgs options of the query flags, shared by `rocket predict` and `rocket batch`. */
export const QUERY_FLAG_OPTIONS = {
  confidence: { type: 'string' },
  iou: { type: 'string' },
  topk: { type: 'string' },
  'max-detections': { type: 'string' },
  query: { type: 'string' },
} as const;

/** The help lines of {@link QUERY_FLAG_OPTIONS}, indented like every command's options. */
export const QUERY_FLAG_HELP = `  --confidence <0..1>     Minimum confidence (as the confidence query parameter)
  --iou <0..1>            NMS IoU threshold
  --topk <n>              Predictions returned (classify)
  --max-detections <n>    Detections returned (detect)
  --query <params>        Other POST /process query parameters of the rocket's task, as in a URL
                          (e.g. masks=rle for segment, size=model for image-to-image)`;

/**
 * The query string the flags stand for: `--query` first, then each threshold flag given (which
 * wins over the same name in `--query`). Validated later, against the rocket's task, by
 * parseProcessParams (src/http/params.ts), exactly as a request's query string is.
 */
export function queryFromFlags(
  values: Partial<Record<keyof typeof QUERY_FLAG_OPTIONS, string>>,
): URLSearchParams {
  const query = new URLSearchParams(values.query ?? '');
  for (const [flag, name] of Object.entries(THRESHOLD_FLAGS)) {
    const value = values[flag as keyof typeof THRESHOLD_FLAGS];
    if (value !== undefined) query.set(name, value);
  }
  return query;
}
