import { parseServerTiming } from './timing.js';

/** The HTTP calls the playground makes, with the API key (kept in sessionStorage only) when set. */

const KEY = 'rocketserve.apiKey';

/** The server answered 401: the page must ask for the API key. */
export class Unauthorized extends Error {}

/** What /health says once the rocket is loaded. */
export interface Health {
  status: string;
  rocket?: { name: string; version: string; task: string; source: string };
  device?: string;
  executionProvider?: string;
}

/** /health once the rocket is loaded. */
export type LoadedHealth = Health & { rocket: NonNullable<Health['rocket']> };

/** A /process answer: JSON, or an image (detect format=image, image-to-image rockets). */
export type ProcessReply =
  | { kind: 'json'; body: Record<string, unknown>; roundTripMs: number }
  | { kind: 'image'; blob: Blob; serverTiming: Record<string, number>; roundTripMs: number };

/** The API key, in this tab's session storage only. */
export const apiKey = {
  get: (): string | null => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
};

/** Request headers with the API key (as a bearer token) when one is set. */
export function headers(extra: Record<string, string> = {}): Record<string, string> {
  const key = apiKey.get();
  return key ? { ...extra, authorization: `Bearer ${key}` } : extra;
}

/** The response when it is a success; Unauthorized on 401, an Error with the server's message otherwise. */
export async function check(res: Response): Promise<Response> {
  if (res.status === 401) throw new Unauthorized('The server needs an API key');
  if (!res.ok) {
    const text = await res.text();
    let message = text;
    try {
      const body = JSON.parse(text);
      message = typeof body.error === 'string' ? body.error : (body.error?.message ?? text);
    } catch {}
    throw new Error(`${res.status}: ${message}`);
  }
  return res;
}

/** GET /health (a probe: no key needed). */
async function getHealth(): Promise<Health> {
  const res = await fetch('health');
  return (await res.json()) as Health;
}

/**
 * Polls /health every second until the rocket is loaded, saying so through `report`; resolves
 * with the health then, or undefined when the rocket failed to load (after reporting it).
 */
export async function waitForRocket(report: (line: string) => void): Promise<LoadedHealth | undefined> {
  let health = await getHealth().catch(() => undefined);
  while (health?.status !== 'ok' || !health.rocket) {
    if (health?.status === 'failed') {
      report('The rocket failed to load; see the server log.');
      return undefined;
    }
    report('Waiting for the rocket to load…');
    await new Promise((r) => setTimeout(r, 1000));
    health = await getHealth().catch(() => undefined);
  }
  return health as LoadedHealth;
}

/** What the page shows for the rocket's task (GET /playground.json, from its task family). */
export interface PlaygroundView {
  task: string;
  /** Ids of the page's panels to show. */
  panels: string[];
  /** Query parameters of /process requests. */
  query: Record<string, number | string>;
  /** Accept header of /process requests. */
  accept: string;
  /** The rocket's default thresholds: where the sliders start. */
  thresholds: { confidence: number; iou: number; topk: number };
  /** Pose: the limbs to draw, as pairs of indices into each detection's keypoints. */
  skeleton?: [number, number][];
  /** Semantic segmentation: each class's colour (`#rrggbb`), by class id. */
  palette?: string[];
}

/** The view before GET /playground.json has answered: no panel shown. */
export const NO_VIEW: PlaygroundView = {
  task: '',
  panels: [],
  query: {},
  accept: 'application/json',
  thresholds: { confidence: 0.25, iou: 0.7, topk: 5 },
};

/** GET /playground.json. */
export async function getView(): Promise<PlaygroundView> {
  const res = await check(await fetch('playground.json', { headers: headers() }));
  return (await res.json()) as PlaygroundView;
}

/** GET /v2/models/{name}: the model's inputs and outputs. */
export async function getModelMetadata(
  name: string,
): Promise<{ inputs: { name: string; datatype: string; shape: number[] }[] }> {
  const res = await check(await fetch(`v2/models/${encodeURIComponent(name)}`, { headers: headers() }));
  return (await res.json()) as { inputs: { name: string; datatype: string; shape: number[] }[] };
}

/** POST /process with a body (a file as the multipart part `input`, or JSON) and query parameters. */
export async function postProcess(
  body: Blob | object,
  query: Record<string, string | number> = {},
  accept = 'application/json',
): Promise<ProcessReply> {
  const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  const started = performance.now();
  let init: RequestInit;
  if (body instanceof Blob) {
    const form = new FormData();
    form.append('input', body, body instanceof File ? body.name : 'input');
    init = { method: 'POST', body: form, headers: headers({ accept }) };
  } else {
    init = {
      method: 'POST',
      body: JSON.stringify(body),
      headers: headers({ 'content-type': 'application/json' }),
    };
  }
  const res = await check(await fetch(`process${search.size ? `?${search}` : ''}`, init));
  const type = res.headers.get('content-type') ?? '';
  if (type.startsWith('image/')) {
    const blob = await res.blob();
    return {
      kind: 'image',
      blob,
      serverTiming: parseServerTiming(res.headers.get('server-timing')),
      roundTripMs: performance.now() - started,
    };
  }
  const json = (await res.json()) as Record<string, unknown>;
  return { kind: 'json', body: json, roundTripMs: performance.now() - started };
}
