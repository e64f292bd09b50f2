import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeDemoRegressionRocket } from '../../src/demo/regression.js';
import { json, multipart } from '../helpers/http.js';
import { useServer } from '../helpers/server.js';

describe('the demo regression rocket (y = 949.4·f + 152.1)', () => {
  const server = useServer('npm start server', async () => {
    const dir = await writeDemoRegressionRocket(
      join(mkdtempSync(join(tmpdir(), 'rocket-reg-')), 'regression'),
    );
    return { ROCKET_URL: dir };
  });

  it("answers the existing client's GET /prediction/?f=0.05 with the number", async () => {
    const res = await fetch(`${server().url}/prediction/?f=0.05`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('199.57');
  });

  it('takes JSON rows, named JSON rows, a CSV upload and query parameters on POST /process', async () => {
    const post = (body: string | Buffer, type: string, query = '') =>
      fetch(`${server().url}/process${query}`, { method: 'POST', headers: { 'content-type': type }, body });
    const rows = await json(await post('{"inputs": [[0], [1], [-0.5]]}', 'application/json'));
    expect(rows.predictions.map((p: { value: number }) => p.value)).toEqual([152.1, 1101.5, -322.6]);
    expect(rows).toMatchObject({ task: 'tabular', rocket: { name: 'demo-regression' } });
    const named = await json(await post('{"inputs": [{"f": 0.05}]}', 'application/json'));
    expect(named.predictions[0].value).toBe(199.57);
    const csv = multipart([{ name: 'input', filename: 'x.csv', type: 'text/csv', data: 'f\n0\n1\n' }]);
    const fromCsv = await json(await post(csv.body, csv.contentType));
    expect(fromCsv.predictions.map((p: { value: number }) => p.value)).toEqual([152.1, 1101.5]);
    const query = await json(await fetch(`${server().url}/process?f=1`, { method: 'POST' }));
    expect(query.predictions[0].value).toBe(1101.5);
  });

  it.each([
    ['{"inputs": [[1, 2]]}', 'INVALID_INPUT'],
    ['{"inputs": [["x"]]}', 'INVALID_INPUT'],
    ['{"inputs": [{"g": 1}]}', 'INVALID_INPUT'],
    ['{"rows": []}', 'INVALID_INPUT'],
    ['not json', 'INVALID_INPUT'],
  ])('%s → 400 %s', async (body, code) => {
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(400);
    expect((await json(res)).error.code).toBe(code);
  });

  it('refuses an image for a tabular rocket', async () => {
    const { body, contentType } = multipart([
      { name: 'input', filename: 'a.jpg', type: 'image/jpeg', data: Buffer.from([0xff, 0xd8]) },
    ]);
    const res = await fetch(`${server().url}/process`, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body,
    });
    expect(res.status).toBe(400);
  });
});
