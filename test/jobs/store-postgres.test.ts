import { createServer } from 'node:net';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { openJobStore } from '../../src/jobs/store/open.js';
import { PostgresJobStore } from '../../src/jobs/store/postgres.js';
import { rejected } from '../helpers/errors.js';
import { freshSchema, hasPostgres, noteIfNoPostgres, postgresUrl } from '../helpers/postgres.js';
import { jobStoreConformance } from './store-conformance.js';

noteIfNoPostgres('the PostgreSQL job store tests');

/** Rows of the schema at `url` that still hold a request body, and a result body. */
async function bodies(url: string): Promise<{ inputs: number; results: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT count(input_body)::int AS inputs, count(result_body)::int AS results FROM rocketserve_jobs',
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

jobStoreConformance(
  'PostgreSQL at JOB_STORE',
  async (clock) => {
    const schema = await freshSchema();
    return {
      store: await PostgresJobStore.open(schema.url, clock),
      openAnother: () => PostgresJobStore.open(schema.url, clock),
      bodies: () => bodies(schema.url),
      cleanup: () => schema.drop(),
    };
  },
  !hasPostgres,
);

/** A localhost port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('PostgresJobStore', () => {
  it('an unreachable server is JOB_STORE_UNAVAILABLE, with the reason and without the password', async () => {
    const url = `postgres://rocket:s3cret-pw@127.0.0.1:${await closedPort()}/jobs?sslmode=disable`;
    const err = await rejected(PostgresJobStore.open(url));
    expect(err.code).toBe('JOB_STORE_UNAVAILABLE');
    expect(err.message).toMatch(
      /^JOB_STORE postgres:\/\/<redacted>@127\.0\.0\.1:\d+\/jobs\?<redacted> cannot be opened: .*ECONNREFUSED/,
    );
    expect(err.message).not.toContain('s3cret');
  });

  it.skipIf(!hasPostgres)('a wrong password is JOB_STORE_UNAVAILABLE and says why', async () => {
    const url = new URL(postgresUrl);
    url.password = 'not-the-password';
    const err = await rejected(PostgresJobStore.open(url.toString()));
    expect(err.code).toBe('JOB_STORE_UNAVAILABLE');
    expect(err.message).toContain('password authentication failed');
    expect(err.message).not.toContain('not-the-password');
  });

  it.skipIf(!hasPostgres)(
    'three stores creating the schema at once all open it (bodies stored uncompressed); openJobStore picks PostgreSQL for JOB_STORE',
    async () => {
      const schema = await freshSchema();
      try {
        const stores = await Promise.all(
          [1, 2, 3].map(() => openJobStore({ JOB_STORE: schema.url }, { dataDir: '/nonexistent' })),
        );
        expect(stores.every((s) => s instanceof PostgresJobStore)).toBe(true);
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        const { rows } = await client
          .query(
            `SELECT attname, attstorage FROM pg_attribute WHERE attrelid = 'rocketserve_jobs'::regclass
             AND attname LIKE '%_body' ORDER BY attname`,
          )
          .finally(() => client.end());
        expect(rows, 'bodies are stored out of line and uncompressed').toEqual([
          { attname: 'input_body', attstorage: 'e' },
          { attname: 'result_body', attstorage: 'e' },
        ]);
        await stores[0]?.claimOwnership({ rocket: 'r', modelSha256: 'a'.repeat(64) });
        await Promise.all(stores.map((s) => s.claimOwnership({ rocket: 'r', modelSha256: 'a'.repeat(64) })));
        await Promise.all(stores.map((s) => s.close()));
      } finally {
        await schema.drop();
      }
    },
  );
});
