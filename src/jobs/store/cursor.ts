import { invalidCursor } from './errors.js';

/**
 * The opaque `next` of GET /jobs: the position of the last job of a page in the store's insertion
 * order (newest first), so a page never repeats or skips a job when others are added meanwhile.
 */

export const encodeCursor = (seq: number): string => Buffer.from(`j${seq}`).toString('base64url');

/** The position a cursor stands for; INVALID_PARAMETER when it is not one {@link encodeCursor} made. */
export function decodeCursor(cursor: string): number {
  const match = /^j(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('latin1'));
  if (!match) throw invalidCursor(cursor);
  return Number(match[1]);
}

/** A page of `limit` out of `rows` (fetched with one extra row, newest first), and its cursor. */
export function page<T extends { seq: number }>(
  rows: T[],
  limit: number,
): { rows: T[]; next: string | null } {
  const shown = rows.slice(0, limit);
  const last = shown.at(-1);
  return { rows: shown, next: rows.length > limit && last ? encodeCursor(last.seq) : null };
}
