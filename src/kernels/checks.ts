/**
 * Argument checks shared by the reference kernels. Each has a twin in native/src/args.cc that throws
 * the same error with the same message: "Expected <what> for <name> but received <value>".
 */
import { expected } from '../errors.js';

export type TypedName = 'a Uint8Array' | 'a Float32Array' | 'an Int32Array';
export type Obj = Record<string, unknown>;

/** How a received value appears in a message: primitives as JSON, anything else by its tag. */
export function shown(value: unknown): unknown {
  const t = typeof value;
  const plain = value === null || t === 'number' || t === 'string' || t === 'boolean' || t === 'undefined';
  return plain ? value : Object.prototype.toString.call(value);
}

export function typed<T>(value: unknown, what: TypedName, name: string): T {
  const tag = `[object ${what.slice(what.indexOf(' ') + 1)}]`;
  if (ArrayBuffer.isView(value) && Object.prototype.toString.call(value) === tag) return value as T;
  throw new TypeError(expected(what, name, shown(value)));
}

export function object(value: unknown, name: string): Obj {
  if (typeof value === 'object' && value !== null) return value as Obj;
  throw new TypeError(expected('an object', name, shown(value)));
}

/** Reads `o[key]` and checks it with `ok`; throws RangeError "Expected <what> for <prefix>.<key>". */
export function field<T>(o: Obj, prefix: string, key: string, what: string, ok: (v: unknown) => boolean): T {
  const v = o[key];
  if (ok(v)) return v as T;
  throw new RangeError(expected(what, `${prefix}.${key}`, shown(v)));
}

export const isCount = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
export const isFiniteNumber = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
export const isNumber = (v: unknown) => typeof v === 'number' && !Number.isNaN(v);
export const count = (o: Obj, p: string, key: string) =>
  field<number>(o, p, key, 'a non-negative integer', isCount);
export const oneOf = (list: readonly string[]) => (v: unknown) => list.includes(v as string);

export function atLeast(length: number, min: number, what: string, name: string): void {
  if (length < min) throw new RangeError(expected(`at least ${min} ${what}`, name, length));
}

export function perChannel(value: unknown, n: number, name: string, nonZero: boolean): number[] {
  if (!Array.isArray(value)) throw new TypeError(expected('an array', name, shown(value)));
  if (value.length !== n) throw new RangeError(expected(`${n} entries`, name, value.length));
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v: unknown = value[i];
    if (!isFiniteNumber(v) || (nonZero && v === 0)) {
      const what = nonZero ? 'a non-zero finite number' : 'a finite number';
      throw new RangeError(expected(what, `${name}[${i}]`, shown(v)));
    }
    out.push(v as number);
  }
  return out;
}
