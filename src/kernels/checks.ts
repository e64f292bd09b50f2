/**
 * Argument checks shared by the reference kernels. Each has a twin in native/src/args.cc that throws
 * the same error with the same message: "Expected <what> for <name> but received <value>".
 */
import { expected } from '../errors.js';

export type TypedName = 'a Uint8Array' | 'a Float32Array' | 'a Float64Array' | 'an Int32Array';
export type Obj = Record<string, unknown>;

/** How a received value appears in a message: primitives as JSON, anything else by its tag. */
export function shown(value: unknown): unknown {
  const t = typeof value;
  const plain = value === null || t === 'number' || t === 'string' || t === 'boolean' || t === 'undefined';
  return plain ? value : Object.prototype.toString.call(value);
}

/** Whether `value` is a typed array of the kind `what` names ("a Float32Array" → Float32Array). */
function isTyped(value: unknown, what: TypedName): boolean {
  const tag = `[object ${what.slice(what.indexOf(' ') + 1)}]`;
  return ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === tag;
}

export function typed<T>(value: unknown, what: TypedName, name: string): T {
  if (isTyped(value, what)) return value as T;
  throw new TypeError(expected(what, name, shown(value)));
}

/** Like {@link typed}, but null passes (a tensor the model lacks): TypeError "<what> or null". */
export function typedOrNull<T>(value: unknown, what: TypedName, name: string): T | null {
  if (value === null) return null;
  if (isTyped(value, what)) return value as T;
  throw new TypeError(expected(`${what} or null`, name, shown(value)));
}

export function object(value: unknown, name: string): Obj {
  if (typeof value === 'object' && value !== null) return value as Obj;
  throw new TypeError(expected('an object', name, shown(value)));
}

/** `value` as an array; TypeError "an array" otherwise. */
export function array(value: unknown, name: string): readonly unknown[] {
  if (Array.isArray(value)) return value;
  throw new TypeError(expected('an array', name, shown(value)));
}

/** Reads `o[key]` and checks it with `ok`; throws RangeError "Expected <what> for <prefix>.<key>". */
export function field<T>(o: Obj, prefix: string, key: string, what: string, ok: (v: unknown) => boolean): T {
  const v = o[key];
  if (ok(v)) return v as T;
  throw new RangeError(expected(what, `${prefix}.${key}`, shown(v)));
}

/** Entry `i` of `list`, named `<name>[i]`, checked with `ok`; RangeError "Expected <what>" otherwise. */
export function entry(
  list: readonly unknown[],
  i: number,
  name: string,
  what: string,
  ok: (v: unknown) => boolean,
) {
  const v = list[i];
  if (ok(v)) return v as number;
  throw new RangeError(expected(what, `${name}[${i}]`, shown(v)));
}

/** Every entry of `list` (holes read as undefined), each checked like {@link entry}, in order. */
export function entries(list: readonly unknown[], name: string, what: string, ok: (v: unknown) => boolean) {
  return Array.from({ length: list.length }, (_, i) => entry(list, i, name, what, ok));
}

export const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const isPositiveCount = (v: unknown) => isCount(v) && v !== 0;
export const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
export const isPositiveFinite = (v: unknown) => isFiniteNumber(v) && (v as number) > 0;
export const isNumber = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);
export const oneOf = (list: readonly string[]) => (v: unknown) => list.includes(v as string);

// The option fields every kernel reads: the twins of CountField, PositiveField, FiniteField and
// NumberField in args.cc.
export const count = (o: Obj, p: string, key: string) =>
  field<number>(o, p, key, 'a non-negative integer', isCount);
export const positive = (o: Obj, p: string, key: string) =>
  field<number>(o, p, key, 'a positive integer', isPositiveCount);
export const finite = (o: Obj, p: string, key: string) =>
  field<number>(o, p, key, 'a finite number', isFiniteNumber);
export const numeric = (o: Obj, p: string, key: string) => field<number>(o, p, key, 'a number', isNumber);
/**
 * The region a kernel writes: options.regionX, regionY, regionWidth and regionHeight, each a
 * non-negative integer, read in that order (RegionFields in args.cc).
 */
export const region = (o: Obj) => ({
  x: count(o, 'options', 'regionX'),
  y: count(o, 'options', 'regionY'),
  width: count(o, 'options', 'regionWidth'),
  height: count(o, 'options', 'regionHeight'),
});

/** RangeError "Expected at least <min> <what> for <name> but received <length>" when length < min. */
export function atLeast(length: number, min: number, what: string, name: string): void {
  if (length < min) throw new RangeError(expected(`at least ${min} ${what}`, name, length));
}

/** RangeError "Expected at most <max> (<maxName>) for <name> but received <value>" when value > max. */
export function atMost(value: number, max: number, maxName: string, name: string): void {
  if (value > max) throw new RangeError(expected(`at most ${max} (${maxName})`, name, value));
}

/** RangeError "Expected <n> <what> for <name> but received <length>" when length !== n. */
export function exactly(length: number, n: number, what: string, name: string): void {
  if (length !== n) throw new RangeError(expected(`${n} ${what}`, name, length));
}

export function perChannel(value: unknown, n: number, name: string, nonZero: boolean): number[] {
  const list = array(value, name);
  exactly(list.length, n, 'entries', name);
  if (nonZero) return entries(list, name, 'a non-zero finite number', (v) => isFiniteNumber(v) && v !== 0);
  return entries(list, name, 'a finite number', isFiniteNumber);
}
