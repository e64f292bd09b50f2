import pg from 'pg';
import type { Statement } from './postgres-statements.js';

/** bigint columns (epoch ms, seq) as numbers: they stay far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8
      ? Number
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * A pool on `url` that fails a connection attempt after 10 s rather than hanging, and keeps an idle
 * connection for a minute (pg's default is 10 s): a new one costs the database server about 6 ms
 * of CPU and this process 4 ms (authentication, then preparing each statement again), which a
 * queue that is busy in bursts would otherwise pay on every burst.
 */
export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 60_000,
    types,
  });
  // A connection that breaks while idle is dropped by the pool, and the next query opens another.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs `work` in one transaction on one connection: COMMIT when it resolves, ROLLBACK when it throws. */
export async function transaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const done = await work(client);
    await client.query('COMMIT');
    return done;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => {
      broken = e; // the connection is unusable: the pool closes it rather than reuse it
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Runs a prepared `statement` (postgres-statements.ts) with `values`. */
export function run<R extends pg.QueryResultRow = pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  statement: Statement,
  values: unknown[] = [],
): Promise<pg.QueryResult<R>> {
  return db.query<R>({ name: statement.name, text: statement.text, values });
}

/** The first row a prepared `statement` answers, or undefined. */
export async function firstRow<R extends pg.QueryResultRow>(
  db: pg.Pool | pg.PoolClient,
  statement: Statement,
  values: unknown[] = [],
): Promise<R | undefined> {
  return (await run<R>(db, statement, values)).rows[0];
}
