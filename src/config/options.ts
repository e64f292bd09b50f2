import { availableParallelism, homedir } from 'node:os';
import { join } from 'node:path';
import type { KernelKind } from '../kernels/types.js';

/** What a parser returns: a value, or a message saying what was expected. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; expected: string };

/** One configuration key, declared once: its parser, default and documentation. */
export interface OptionSpec<T> {
  /** Human description, rendered into config-example.ini and the README's table. */
  doc: string;
  /** The allowed values, in words ("cpu, cuda, cuda:N or auto"). */
  allowed: string;
  default: T;
  parse(raw: string): Parsed<T>;
}

/** `cpu`, `cuda` (device 0), `cuda:N`, or `auto` (CUDA when it works, else CPU). */
export type Device = { kind: 'cpu' } | { kind: 'cuda'; deviceId: number } | { kind: 'auto' };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

function integer(min: number, max: number): (raw: string) => Parsed<number> {
  return (raw) => {
    const n = Number(raw);
    return /^\s*\d+\s*$/.test(raw) && n >= min && n <= max
      ? ok(n)
      : { ok: false, expected: `an integer from ${min} to ${max}` };
  };
}

const text = (raw: string): Parsed<string> => ok(raw.trim());

/** `true` or `false`, in any case. */
function flag(raw: string): Parsed<boolean> {
  const v = raw.trim().toLowerCase();
  return v === 'true' || v === 'false' ? ok(v === 'true') : { ok: false, expected: 'true or false' };
}

/** Trimmed text that must not be empty; `what` names it in the error ("a non-empty path"). */
const nonEmpty =
  (what: string) =>
  (raw: string): Parsed<string> =>
    raw.trim() ? ok(raw.trim()) : { ok: false, expected: `a non-empty ${what}` };

/** An HTTP header name (RFC 9110 token), lower-cased, or empty. */
function headerName(raw: string): Parsed<string> {
  const v = raw.trim().toLowerCase();
  return /^[!#$%&'*+.^_`|~0-9a-z-]*$/.test(v) ? ok(v) : { ok: false, expected: 'a header name, or empty' };
}

/** `host` or `host:port`, nothing more (no scheme, path or credentials). */
function hostAndPort(raw: string): Parsed<string> {
  const v = raw.trim();
  return /^[^\s/?#@]+$/.test(v) && URL.canParse(`http://${v}/`)
    ? ok(v)
    : { ok: false, expected: 'a host name or address, optionally with :port' };
}

/** 0 means "choose from the CPU count" for the two sizing keys. */
const autoInteger = (max: number) => integer(0, max);

function parseDevice(raw: string): Parsed<Device> {
  const v = raw.trim().toLowerCase();
  if (v === 'cpu' || v === 'auto') return ok({ kind: v });
  const m = /^cuda(?::(\d+))?$/.exec(v);
  if (m) return ok({ kind: 'cuda', deviceId: Number(m[1] ?? 0) });
  return { ok: false, expected: 'one of cpu, cuda, cuda:N, auto' };
}

/** One of a fixed list of words, case-insensitive. */
function oneOf<T extends string>(values: readonly T[]): (raw: string) => Parsed<T> {
  return (raw) => {
    const v = raw.trim().toLowerCase();
    return (values as readonly string[]).includes(v)
      ? ok(v as T)
      : { ok: false, expected: `one of ${values.join(', ')}` };
  };
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const KERNEL_KINDS: readonly KernelKind[] = ['native', 'reference'];

export const EVENT_LOOP_PRIORITIES = ['realtime', 'normal'] as const;
export type EventLoopPriority = (typeof EVENT_LOOP_PRIORITIES)[number];

/** Every configuration key. The file key and the environment variable share the name. */
export const OPTIONS = {
  DEVICE: {
    doc: 'Where inference runs. auto uses CUDA when its provider loads, else the CPU.',
    allowed: 'cpu, cuda, cuda:N, auto',
    default: { kind: 'cpu' } as Device,
    parse: parseDevice,
  },
  ROCKET_URL: {
    doc: 'The rocket: a .onnx file, a directory with rocket.json, or a remote rocket (see docs/rocket.md). Empty serves the embedded demo rocket.',
    allowed:
      'a local path, https://…/model.onnx or …/rocket.tar.gz, gs://, s3://, hf://owner/repo/file.onnx[@rev], or owner/name[@version] with ROCKET_REGISTRY',
    default: '',
    parse: text,
  },
  PORT: {
    doc: 'TCP port the HTTP server listens on. Cloud Run sets it in the environment.',
    allowed: 'an integer from 1 to 65535',
    default: 5042,
    parse: integer(1, 65535),
  },
  HOST: {
    doc: 'Address the HTTP server binds.',
    allowed: 'an IP address or host name',
    default: '0.0.0.0',
    parse: nonEmpty('address'),
  },
  WORKERS: {
    doc: 'Inference worker threads, each with its own onnxruntime session. 0 = automatic (CPU: one per core, at most 4; CUDA: 1).',
    allowed: 'an integer from 0 to 64',
    default: 0,
    parse: autoInteger(64),
  },
  INTRA_OP_THREADS: {
    doc: 'onnxruntime intra-op threads per worker. 0 = automatic: cores / WORKERS, and when WORKERS is automatic too, twice that for the first worker (up to the cores), which the pool gives a request when the others are idle, so a lone request uses more than one core.',
    allowed: 'an integer from 0 to 256',
    default: 0,
    parse: autoInteger(256),
  },
  INFERENCE_NICE: {
    doc: 'Nice steps added to inference threads (Linux), so health probes and uploads win the CPU when it is saturated. 0 = same priority.',
    allowed: 'an integer from 0 to 19',
    default: 5,
    parse: integer(0, 19),
  },
  EVENT_LOOP_PRIORITY: {
    doc: 'realtime: the event-loop thread of the server (rocket serve, or the functions-framework target) asks Linux for SCHED_RR priority 1, so probes and uploads are answered at once on a saturated CPU (needs CAP_SYS_NICE or RLIMIT_RTPRIO >= 1; where refused it stays normal and logs why). Threads it starts later run at normal priority. normal: never ask.',
    allowed: EVENT_LOOP_PRIORITIES.join(', '),
    default: 'realtime' as EventLoopPriority,
    parse: oneOf(EVENT_LOOP_PRIORITIES),
  },
  MAX_UPLOAD_BYTES: {
    doc: 'Largest accepted request body, in bytes; larger bodies get 413 PAYLOAD_TOO_LARGE.',
    allowed: 'an integer from 1024 to 1073741824',
    default: 20 * 1024 * 1024,
    parse: integer(1024, 1024 * 1024 * 1024),
  },
  MAX_PIXELS: {
    doc: 'Largest accepted image, in pixels (width x height); larger images get 422 IMAGE_TOO_LARGE.',
    allowed: 'an integer from 1 to 1000000000',
    default: 40_000_000,
    parse: integer(1, 1_000_000_000),
  },
  ALLOW_SVG: {
    doc: 'true: decode SVG uploads, rendered at 72 dpi within MAX_PIXELS (librsvg still spends up to about 3 s of CPU on a hostile file: enable for trusted clients only). false: refuse them with 415 UNSUPPORTED_IMAGE_FORMAT.',
    allowed: 'true or false',
    default: false,
    parse: flag,
  },
  KERNELS: {
    doc: 'Pre/post-processing kernels: the C++ addon, or the pure-TypeScript reference (slower; for debugging).',
    allowed: KERNEL_KINDS.join(', '),
    default: 'native' as KernelKind,
    parse: oneOf(KERNEL_KINDS),
  },
  CACHE_DIR: {
    doc: "Where downloaded rockets are kept, one directory per URL, and onnxruntime's optimized copies of models (optimized/: later starts on the same machine skip graph optimisation).",
    allowed: 'a directory path',
    default: join(homedir(), '.cache', 'rocketserve'),
    parse: nonEmpty('path'),
  },
  DATA_DIR: {
    doc: 'Where the embedded job store keeps its SQLite database and the inputs and results of jobs (POST /jobs). Mount a volume here so jobs survive restarts; processes on one host may share it. It belongs to one rocket: a folder created by another rocket is refused at startup. Empty: a folder per rocket (name and model sha256) under ~/.local/share/rocketserve/jobs.',
    allowed: 'empty, or a directory path',
    default: '',
    parse: text,
  },
  JOB_STORE: {
    doc: 'Where jobs live: empty for SQLite in DATA_DIR, or a postgres://user:password@host:port/db URL to share one queue between the containers of a deployment on any host.',
    allowed: 'empty, or a postgres:// or postgresql:// URL',
    default: '',
    parse: (raw: string) =>
      raw.trim() === '' || /^postgres(ql)?:\/\/./.test(raw.trim())
        ? ok(raw.trim())
        : { ok: false, expected: 'empty, or a postgres:// URL' },
  },
  JOBS: {
    doc: 'true: this server works the job queue as well as answering requests, with synchronous requests first. false: it only accepts and reports jobs (run `rocket worker` elsewhere to process them).',
    allowed: 'true or false',
    default: true,
    parse: flag,
  },
  MAX_JOBS_QUEUED: {
    doc: 'Jobs that may wait in the queue; past it, POST /jobs gets 429 QUEUE_FULL with Retry-After.',
    allowed: 'an integer from 1 to 10000000',
    default: 10_000,
    parse: integer(1, 10_000_000),
  },
  JOB_RETENTION_H: {
    doc: 'Hours a finished job, its input and its result are kept before they are removed.',
    allowed: 'an integer from 1 to 8760',
    default: 24,
    parse: integer(1, 8760),
  },
  JOB_MAX_ATTEMPTS: {
    doc: 'Times a job is started before it fails: a job whose worker died (its lease expired) is started again until then.',
    allowed: 'an integer from 1 to 100',
    default: 3,
    parse: integer(1, 100),
  },
  JOB_LEASE_S: {
    doc: 'Seconds a worker holds a running job without renewing its lease (it renews every third of it); a job whose lease expires is taken again.',
    allowed: 'an integer from 2 to 3600',
    default: 30,
    parse: integer(2, 3600),
  },
  WEBHOOK_SECRET: {
    doc: 'The Standard Webhooks secret (whsec_ + base64) job webhooks are signed with. Empty: webhooks are sent unsigned. Prefer the environment to the file.',
    allowed: 'empty, or whsec_ followed by base64',
    default: '',
    parse: (raw: string) =>
      raw.trim() === '' || /^whsec_[A-Za-z0-9+/]{2,}={0,2}$/.test(raw.trim())
        ? ok(raw.trim())
        : { ok: false, expected: 'whsec_ followed by base64' },
  },
  WEBHOOK_ALLOW_PRIVATE: {
    doc: 'true: webhooks may go to loopback, private, link-local, CGNAT and ULA addresses (in-cluster receivers, tests). false: those are refused, as a guard against server-side request forgery.',
    allowed: 'true or false',
    default: false,
    parse: flag,
  },
  ROCKET_REGISTRY: {
    doc: 'Base URL (https, gs or s3) that owner/name[@version] rockets resolve against.',
    allowed: 'empty, or an https://, http://, gs:// or s3:// URL',
    default: '',
    parse: text,
  },
  MAX_ROCKET_BYTES: {
    doc: 'Largest rocket download accepted, in bytes.',
    allowed: 'an integer from 1024 to 68719476736',
    default: 4 * 1024 * 1024 * 1024,
    parse: integer(1024, 64 * 1024 * 1024 * 1024),
  },
  MAX_INFLIGHT: {
    doc: 'Requests decoded and inferred at once. 0 = automatic (2 per worker x BATCH_MAX).',
    allowed: 'an integer from 0 to 4096',
    default: 0,
    parse: autoInteger(4096),
  },
  MAX_QUEUE: {
    doc: 'Requests waiting beyond MAX_INFLIGHT; past it, 503 with Retry-After at once.',
    allowed: 'an integer from 0 to 100000',
    default: 64,
    parse: integer(0, 100_000),
  },
  MAX_INFLIGHT_PER_CLIENT: {
    doc: 'Requests one client may have running or queued at once; past it, 429 CLIENT_LIMIT with Retry-After at once. 0 = no per-client limit. Clients are told apart by CLIENT_ID_HEADER.',
    allowed: 'an integer from 0 to 100000',
    default: 0,
    parse: integer(0, 100_000),
  },
  CLIENT_ID_HEADER: {
    doc: 'Request header that names the client for MAX_INFLIGHT_PER_CLIENT: only one your proxy sets or overwrites (clients can write any header). Empty = the TCP peer address, which behind a proxy or load balancer is the proxy.',
    allowed: 'a header name, or empty',
    default: '',
    parse: headerName,
  },
  BATCH_MAX: {
    doc: 'Largest micro-batch run as one inference when the model has a dynamic batch dimension. 1 = off.',
    allowed: 'an integer from 1 to 256',
    default: 1,
    parse: integer(1, 256),
  },
  BATCH_WAIT_MS: {
    doc: 'How long a micro-batch waits to fill, in milliseconds.',
    allowed: 'an integer from 0 to 1000',
    default: 2,
    parse: integer(0, 1000),
  },
  SHUTDOWN_GRACE_S: {
    doc: 'On SIGTERM/SIGINT, seconds in-flight and queued requests get to finish before exit. The default 8 ends the drain before the SIGKILL Cloud Run sends 10 s after SIGTERM; keep it under the grace period of your platform (Kubernetes terminationGracePeriodSeconds, ECS stopTimeout).',
    allowed: 'an integer from 0 to 3600',
    default: 8,
    parse: integer(0, 3600),
  },
  STARTUP_WAIT_S: {
    doc: 'Seconds a request to a model route (POST /process, /v2 infer, the compatibility routes) waits for a rocket that is still loading; past it, 503 NOT_READY with Retry-After. 0 = refuse at once. Probes never wait.',
    allowed: 'an integer from 0 to 600',
    default: 30,
    parse: integer(0, 600),
  },
  REQUEST_TIMEOUT_S: {
    doc: 'Seconds a client gets to send a whole request (headers and body).',
    allowed: 'an integer from 1 to 3600',
    default: 60,
    parse: integer(1, 3600),
  },
  HEADERS_TIMEOUT_S: {
    doc: 'Seconds a client gets to send the request headers.',
    allowed: 'an integer from 1 to 600',
    default: 20,
    parse: integer(1, 600),
  },
  KEEPALIVE_TIMEOUT_S: {
    doc: 'Seconds an idle keep-alive connection stays open.',
    allowed: 'an integer from 1 to 600',
    default: 5,
    parse: integer(1, 600),
  },
  MAX_HEADER_BYTES: {
    doc: 'Largest request header block, in bytes; larger gets 431.',
    allowed: 'an integer from 1024 to 1048576',
    default: 16 * 1024,
    parse: integer(1024, 1024 * 1024),
  },
  API_KEY: {
    doc: 'When set, every route but the health probes needs X-API-Key: KEY, or Authorization: Bearer KEY when X-API-Key is absent (so Authorization can carry a Cloud Run IAM ID token). Prefer the environment to the file.',
    allowed: 'empty, or a key of at least 16 characters',
    default: '',
    parse: (raw: string) =>
      raw.trim() === '' || raw.trim().length >= 16
        ? ok(raw.trim())
        : { ok: false, expected: 'at least 16 characters' },
  },
  CORS_ORIGINS: {
    doc: 'Origins browsers may call from: empty (no CORS headers), * (any), or a comma-separated list.',
    allowed: 'empty, *, or comma-separated origins such as https://app.example.com',
    default: '',
    parse: text,
  },
  GOOGLE_CLOUD_PROJECT: {
    doc: 'Project id request logs link their trace to (projects/ID/traces/TRACE). Empty: asked once of the metadata server (GCE_METADATA_HOST) in the background; off Google Cloud that fails at once and traces are logged bare.',
    allowed: 'empty, or a Google Cloud project id',
    default: '',
    parse: text,
  },
  GCE_METADATA_HOST: {
    doc: "Host (and port) of Google Cloud's metadata server, asked for the project id when GOOGLE_CLOUD_PROJECT is empty. The variable Google's client libraries honour; change it only for tests or an emulator.",
    allowed: 'a host name or address, optionally with :port',
    default: 'metadata.google.internal',
    parse: hostAndPort,
  },
  LOG_LEVEL: {
    doc: 'Lowest severity that is logged.',
    allowed: LOG_LEVELS.join(', '),
    default: 'info' as LogLevel,
    parse: oneOf(LOG_LEVELS),
  },
} satisfies Record<string, OptionSpec<unknown>>;

export type OptionKey = keyof typeof OPTIONS;

/** The validated configuration. Frozen; passed explicitly, never read from globals. */
export type Config = { readonly [K in OptionKey]: (typeof OPTIONS)[K]['default'] };

/** How inference is threaded: one worker per entry, each entry its session's intra-op threads. */
export interface ThreadPlan {
  threads: number[];
}

/** Resolves WORKERS / INTRA_OP_THREADS of 0 against the machine's CPU count. */
export function threadPlan(config: Config, cpus = availableParallelism()): ThreadPlan {
  // CPU: one single-threaded session per core (up to 4, then more threads each) measured the best
  // throughput and the steadiest latency on shared vCPUs (docs/operations.md). CUDA: one session.
  const gpu = config.DEVICE.kind === 'cuda';
  const workers = config.WORKERS || (gpu ? 1 : Math.max(1, Math.min(cpus, 4)));
  const intraOp = config.INTRA_OP_THREADS || Math.max(1, Math.floor(cpus / workers));
  const threads = new Array<number>(workers).fill(intraOp);
  // Automatic CPU plan: the first session gets twice the threads (up to the core count). The pool
  // gives a lone request to it, so a request with the cores to itself runs on more than one; under
  // load every worker is busy, and its threads do not spin, so they share the cores fairly.
  if (!gpu && !config.WORKERS && !config.INTRA_OP_THREADS && workers > 1)
    threads[0] = Math.min(cpus, 2 * intraOp);
  return { threads };
}
