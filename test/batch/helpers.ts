import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { solidImage } from '../helpers/models.js';

/** A results line as read back. */
export interface Line {
  input: string;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: { code: string; message: string };
  image?: string;
}

const COLOURS: Record<string, [number, number, number]> = {
  red: [230, 20, 20],
  green: [20, 230, 20],
  blue: [20, 20, 230],
};

/**
 * Writes `count` solid-colour PNGs under `dir`, spread over nested folders (`d0/img-0.png`,
 * `d1/sub/img-1.png`, ...), each red, green or blue in turn. Returns their colour by path.
 */
export async function writeColourImages(dir: string, count: number): Promise<Map<string, string>> {
  const names = Object.keys(COLOURS);
  const bodies = await Promise.all(names.map((n) => solidImage(COLOURS[n] as [number, number, number])));
  const colours = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const path = join(dir, `d${i % 3}`, i % 2 ? 'sub' : '', `img-${i}.png`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bodies[i % 3] as Buffer);
    colours.set(path, names[i % 3] as string);
  }
  return colours;
}

/** The lines of one results file. */
export function readLines(path: string): Line[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line);
}

/** Every results file of an output folder, by name. */
export function resultsFiles(out: string): string[] {
  return readdirSync(out)
    .filter((f) => /^results-\d+-of-\d+\.jsonl$/.test(f))
    .sort();
}

/** A value with every `timing` field left out (timings differ between runs). */
export function withoutTiming(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTiming);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => k !== 'timing')
      .map(([k, v]) => [k, withoutTiming(v)]),
  );
}

/** Lines by input, timings left out: what two runs over the same inputs must agree on. */
export function byInput(lines: Line[]): Record<string, unknown> {
  return Object.fromEntries(
    lines.map((l) => [l.input, withoutTiming(l)]).sort(([a], [b]) => String(a).localeCompare(String(b))),
  );
}
