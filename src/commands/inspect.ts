import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.js';
import { RocketError } from '../errors.js';
import { DataType } from '../onnx/data-types.js';
import { type ModelInfo, readModelInfo, type ValueInfo } from '../onnx/read.js';
import { loadInferredSpec } from '../rocket/load.js';
import { readManifest } from '../rocket/manifest.js';
import { redactUrl } from '../rocket/redact.js';
import { resolveContext, resolveRocketUrl } from '../rocket/resolve.js';
import type { RocketSpec } from '../rocket/types.js';
import type { Command } from './types.js';
import { UsageError } from './usage.js';

const TYPE_NAMES = Object.fromEntries(
  Object.entries(DataType).map(([name, code]) => [code, name.toLowerCase()]),
);

/** An inferred rocket spec as reported: its labels summarised, its model path given once above. */
export type SpecSummary = RocketSpec extends infer S
  ? S extends RocketSpec
    ? Omit<S, 'labels' | 'modelPath'> & { labels: { count: number; first: string[] } }
    : never
  : never;

/** What `rocket inspect` reports: the model's signature and metadata, and the rocket as inferred. */
export interface Inspection {
  source: string;
  model: string;
  onnx: { irVersion: number; opsets: string[]; producer: string };
  inputs: { name: string; type: string; dims: (number | string)[] }[];
  outputs: { name: string; type: string; dims: (number | string)[] }[];
  metadata: Record<string, string>;
  /** The spec rocketserve would serve, or why it cannot serve this model. */
  rocket?: SpecSummary;
  /** Which rule chose the task family, and how its outputs are read and why. */
  recognition?: {
    task: string;
    /** The family in one line. */
    summary: string;
    rule: string;
    format: string;
    formatReason: string;
    /** The format in one line (detector layouts). */
    formatSummary?: string;
  };
  problem?: string;
}

const signature = (v: ValueInfo) => ({
  name: v.name,
  type: v.kind === 'tensor' ? (TYPE_NAMES[v.elemType] ?? `type ${v.elemType}`) : v.kind,
  dims: v.dims,
});

/** Resolves any ROCKET_URL form and inspects it. */
export async function inspectRocket(url: string, cwd: string, configFile?: string): Promise<Inspection> {
  const { path, isDirectory } = await resolveRocketUrl(
    url,
    resolveContext(cwd, loadConfig({ file: configFile, cwd })),
  );
  let model = path;
  if (isDirectory && existsSync(join(path, 'rocket.json')))
    model = resolve(path, readManifest(join(path, 'rocket.json')).model);
  const info: ModelInfo = readModelInfo(await readFile(model));
  const out: Inspection = {
    source: redactUrl(url),
    model,
    onnx: {
      irVersion: info.irVersion,
      opsets: info.opsetImports.map((o) => `${o.domain || 'ai.onnx'} ${o.version}`),
      producer: `${info.producerName} ${info.producerVersion}`.trim(),
    },
    inputs: info.inputs.map(signature),
    outputs: info.outputs.map(signature),
    metadata: info.metadata,
  };
  try {
    const inferred = await loadInferredSpec(path, isDirectory);
    const { labels, modelPath: _, ...spec } = inferred.spec;
    out.rocket = { ...spec, labels: { count: labels.length, first: labels.slice(0, 10) } };
    out.recognition = {
      task: inferred.recognition.family.task,
      summary: inferred.recognition.family.summary,
      rule: inferred.recognition.reason,
      format: inferred.format.name,
      formatReason: inferred.format.reason,
      ...(inferred.formatSummary ? { formatSummary: inferred.formatSummary } : {}),
    };
  } catch (err) {
    if (!(err instanceof RocketError)) throw err;
    out.problem = `${err.code}: ${err.message}`;
  }
  return out;
}

const dims = (d: (number | string)[]) => `[${d.join(', ')}]`;
const clip = (s: string, n = 90) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** The rows describing an inferred rocket: image preprocessing or tabular features, thresholds, labels. */
function specRows(s: SpecSummary): [string, string][] {
  const rows: [string, string][] = [];
  if (s.input === 'rows') {
    const { features, featureNames, outputs } = s.tabular;
    rows.push(
      ['rocket', `${s.name} ${s.version}: task ${s.task}, input ${s.inputName}`],
      ['features', clip(`${features}${featureNames ? `: ${featureNames.join(', ')}` : ''}`)],
      ['fetches', outputs.map((o) => `${o.name} (${o.role})`).join(', ')],
    );
  } else {
    const p = s.preprocess;
    rows.push(
      [
        'rocket',
        `${s.name} ${s.version}: task ${s.task}, output ${s.outputFormat}, ${s.inputName} → ${s.outputNames.join(', ')}`,
      ],
      [
        'preprocess',
        `${p.resize === 'none' ? 'none (each image at its own size)' : `${p.resize} to ${p.width}×${p.height} (${p.interpolation})`}, ${p.channelOrder}, ${p.layout}, ICC profile: ${p.iccProfile}`,
      ],
      [
        '',
        `(pixel × ${+p.scale.toFixed(6)} − mean [${p.mean}]) / std [${p.std}], pad ${p.padValue} ${p.align}`,
      ],
    );
  }
  const t = s.thresholds;
  rows.push(
    [
      'thresholds',
      `confidence ${t.confidence}, iou ${t.iou}, topk ${t.topk}, maxDetections ${t.maxDetections}, ${t.classAware ? 'class-aware' : 'agnostic'} NMS`,
    ],
    ['labels', clip(`${s.labels.count} from ${s.labelSource}: ${s.labels.first.join(', ')}`)],
  );
  return rows;
}

/** The human-readable table of an inspection. */
export function formatInspection(r: Inspection): string {
  const rows: [string, string][] = [
    ['model', r.model],
    [
      'onnx',
      `IR ${r.onnx.irVersion}, opsets ${r.onnx.opsets.join(', ')}${r.onnx.producer ? `, by ${r.onnx.producer}` : ''}`,
    ],
    ...r.inputs.map((v, i): [string, string] => [i ? '' : 'inputs', `${v.name}  ${v.type} ${dims(v.dims)}`]),
    ...r.outputs.map((v, i): [string, string] => [
      i ? '' : 'outputs',
      `${v.name}  ${v.type} ${dims(v.dims)}`,
    ]),
    ...Object.entries(r.metadata).map(([k, v], i): [string, string] => [
      i ? '' : 'metadata',
      clip(`${k} = ${v}`),
    ]),
  ];
  const s = r.rocket;
  const why = r.recognition;
  if (why) {
    rows.push(
      ['recognised', clip(`${why.task}, because ${why.rule}`, 160)],
      ['', clip(why.summary, 160)],
      ['format', clip(`${why.format}, from ${why.formatReason}`, 160)],
      ...(why.formatSummary ? [['', clip(why.formatSummary, 160)] as [string, string]] : []),
    );
  }
  if (s) rows.push(...specRows(s));
  if (r.problem) rows.push(['not servable', r.problem]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n`;
}

/** `rocket inspect <model.onnx|rocket>`: the signature, metadata, and what rocketserve infers. */
export const inspectCommand: Command = {
  help: `Usage: rocket inspect <model.onnx|rocket directory|ROCKET_URL> [--json] [--config FILE]

Prints the model's I/O signature (names, element types, shapes), its ONNX metadata, and the rocket
rocketserve would serve: task, output format, preprocessing, thresholds and labels. A model that
cannot be served still shows its signature, and why, and exits with status 1. Remote forms
(https://, gs://, s3://, hf://, owner/name) are downloaded into CACHE_DIR first.

Options:
  --json            Print JSON instead of a table
  --config <file>   Read this config.ini (for CACHE_DIR, ROCKET_REGISTRY) instead of ./config.ini
  -h, --help        Show this help
`,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean' }, config: { type: 'string' } },
    });
    const [url, ...extra] = positionals;
    if (!url || extra.length > 0) throw new UsageError('Expected one model or rocket', inspectCommand.help);
    const report = await inspectRocket(url, process.cwd(), values.config);
    process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatInspection(report));
    if (report.problem) process.exitCode = 1;
  },
};
