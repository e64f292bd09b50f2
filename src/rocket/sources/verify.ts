import { readFile } from 'node:fs/promises';
import { decodeModelProto, int64ToNumber, type ModelProto } from '../../onnx/proto.js';
import { assertLoadable } from '../loadable.js';
import { downloadFailed, reasonOf } from './download.js';

/** The ONNX operator domain, which a model may also declare as `''`. */
const onnxDomain = (domain: string | undefined) => (domain ? domain : 'ai.onnx');

/**
 * Why a decoded model cannot be whole: no graph, a graph without outputs, no operator sets, or
 * nodes in a domain the operator sets do not declare (the list was cut short). Undefined when
 * none of these holds.
 */
function incompleteness(model: ModelProto): string | undefined {
  const graph = model.graph;
  if (!graph) return 'it has no graph';
  if (!graph.output?.length) return 'its graph has no outputs';
  const declared = new Set((model.opsetImport ?? []).map((o) => onnxDomain(o.domain)));
  if (declared.size === 0) return 'it declares no operator sets';
  const missing = [...new Set((graph.node ?? []).map((n) => onnxDomain(n.domain)))].filter(
    (d) => !declared.has(d),
  );
  if (missing.length > 0) return `its nodes use operator domains it does not declare (${missing.join(', ')})`;
  return undefined;
}

/**
 * Checks, before a downloaded model is cached, that the file at `path` is a whole ONNX model: the
 * full protobuf decodes (a length-delimited field cut off by the end of the bytes fails here),
 * and the model has a graph with outputs and declares the operator sets its nodes use. A failure
 * is ROCKET_DOWNLOAD_FAILED naming `url` (already redacted), since what arrived is most likely cut
 * short. A whole model that onnxruntime cannot load is MODEL_LOAD_FAILED ({@link assertLoadable}).
 * The model is not run: creating an onnxruntime session here would load a large model twice.
 */
export async function verifyModelFile(path: string, url: string): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    // ERR_FS_FILE_TOO_LARGE past 2 GiB, which is also the most a protobuf (an .onnx file) may hold.
    throw downloadFailed(url, `what arrived cannot be read as one ONNX file (${reasonOf(err)})`, err);
  }
  let model: ModelProto;
  try {
    model = decodeModelProto(bytes);
  } catch (err) {
    throw notWhole(url, bytes.length, (err as Error).message, err);
  }
  const why = incompleteness(model);
  if (why) throw notWhole(url, bytes.length, why);
  const opsetImports = (model.opsetImport ?? []).map((o) => ({
    domain: o.domain ?? '',
    version: int64ToNumber(o.version),
  }));
  assertLoadable(`the model from ${url}`, {
    irVersion: int64ToNumber(model.irVersion),
    opsetImports,
  });
}

function notWhole(url: string, bytes: number, why: string, cause?: unknown) {
  return downloadFailed(
    url,
    `the model (${bytes} bytes) is not a whole ONNX model: ${why}. The download was probably cut short; nothing was cached`,
    cause,
  );
}
