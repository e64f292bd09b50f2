import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseIni } from 'ini';
import { RocketError } from '../errors.js';
import { type Config, OPTIONS, type OptionKey } from './options.js';

/** Where configuration comes from. Every source is injectable so tests never touch the real ones. */
export interface ConfigSources {
  /** Path of config.ini. When absent: CONFIG_FILE from env, else ./config.ini if it exists. */
  file?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

const KEYS = Object.keys(OPTIONS) as OptionKey[];

/**
 * Loads config.ini (section [DEFAULT], or keys before any section) and overlays environment
 * variables of the same names. Collects every problem (bad value, unknown key, unknown section,
 * missing explicit file) and throws one CONFIG_INVALID error listing them all.
 * @returns a frozen {@link Config}.
 */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const problems: string[] = [];
  const raw = new Map<OptionKey, { value: string; origin: string }>();

  const explicit = sources.file ?? env.CONFIG_FILE;
  const path = resolve(cwd, explicit ?? 'config.ini');
  if (explicit !== undefined && !existsSync(path)) {
    problems.push(`config file ${path} does not exist`);
  } else if (existsSync(path)) {
    readFileKeys(path, problems, raw);
  }
  for (const key of KEYS) {
    const value = env[key];
    if (value !== undefined) raw.set(key, { value, origin: `environment variable ${key}` });
  }

  const config: Record<string, unknown> = {};
  for (const key of KEYS) {
    const spec = OPTIONS[key];
    const entry = raw.get(key);
    if (!entry) {
      config[key] = spec.default;
      continue;
    }
    const parsed = spec.parse(entry.value);
    if (parsed.ok) config[key] = parsed.value;
    else {
      const shown = key === 'API_KEY' ? '(hidden)' : `"${entry.value}"`; // never echo a secret
      problems.push(`${key} (${entry.origin}): expected ${parsed.expected} but received ${shown}`);
    }
  }
  if (problems.length > 0) {
    throw new RocketError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return Object.freeze(config) as Config;
}

function readFileKeys(
  path: string,
  problems: string[],
  raw: Map<OptionKey, { value: string; origin: string }>,
) {
  let parsed: Record<string, unknown>;
  try {
    parsed = parseIni(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`config file ${path} cannot be read: ${(err as Error).message}`);
    return;
  }
  const entries: [string, unknown][] = [];
  for (const [key, value] of Object.entries(parsed)) {
    if (key === 'DEFAULT' && typeof value === 'object' && value !== null)
      entries.push(...Object.entries(value));
    else if (typeof value === 'object' && value !== null)
      problems.push(`${path}: unknown section [${key}]; use [DEFAULT]`);
    else entries.push([key, value]);
  }
  for (const [key, value] of entries) {
    const upper = key.toUpperCase();
    if (!(KEYS as string[]).includes(upper)) {
      problems.push(`${path}: unknown key ${key}; known keys are ${KEYS.join(', ')}`);
    } else {
      raw.set(upper as OptionKey, { value: String(value), origin: path });
    }
  }
}
