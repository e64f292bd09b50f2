import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the job store tests use: ROCKET_TEST_POSTGRES_URL, which .ci/run sets
 * (.ci/postgres.sh starts a throwaway server). Without it the PostgreSQL tests skip, with a message,
 * except in CI (CI set), where its absence fails the suite.
 */
export const postgresUrl = process.env.ROCKET_TEST_POSTGRES_URL ?? '';
export const hasPostgres = postgresUrl !== '';
if (!hasPostgres && process.env.CI) {
  throw new Error(
    'ROCKET_TEST_POSTGRES_URL is not set in CI: .ci/run starts PostgreSQL (.ci/postgres.sh) and sets it, and the PostgreSQL job store tests never skip there',
  );
}

/** Prints why a PostgreSQL suite is skipped, once per file. */
export function noteIfNoPostgres(what: string): void {
  if (hasPostgres) return;
  console.warn(
    `Skipping ${what}: ROCKET_TEST_POSTGRES_URL is not set. Run .ci/run (it starts PostgreSQL), or start a ` +
      'PostgreSQL server and set ROCKET_TEST_POSTGRES_URL=postgres://user:password@127.0.0.1:5432/postgres ' +
      '(each test creates and drops a schema of its own there).',
  );
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A new empty schema on the test server, so tests and test files running at once never meet. */
export interface TestSchema {
  /** ROCKET_TEST_POSTGRES_URL with the schema as its search_path: where a store opened on it keeps its tables. */
  url: string;
  drop(): Promise<void>;
}

export async function freshSchema(): Promise<TestSchema> {
  const schema = `rocket_test_${randomUUID().replaceAll('-', '')}`;
  await admin(`CREATE SCHEMA ${schema}`);
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return { url: url.toString(), drop: () => admin(`DROP SCHEMA ${schema} CASCADE`) };
}
