import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { json, multipart } from '../helpers/http.js';
import { post, useJobsServer, waitForJob, withoutTiming } from '../helpers/job-http.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';

noteIfNoShared('the job mapping tests on logreg_iris');

/** The iris features in the model's order, as a rocket's own mapping file names them. */
const FEATURES = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
/** The client's names for the same columns, and the order its CSV holds them in. */
const THEIRS = ['Sepal Length (cm)', 'Sepal Width (cm)', 'Petal Length (cm)', 'Petal Width (cm)'];
const ORDER = [3, 0, 2, 1];

/** iris.csv (scikit-learn's layout: a count line, then 4 features and the class) and its classes. */
function iris() {
  const text = readFileSync(shared('models', 'tabular', 'iris.csv'), 'utf8');
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
  return { text, classes: rows.map((r) => Number(r[4])), features: rows.map((r) => r.slice(0, 4)) };
}

/** The same rows with the client's column names, in another order, without the class column. */
function renamedCsv(features: string[][]): string {
  const quote = (name: string) => `"${name}"`;
  const header = ORDER.map((i) => quote(THEIRS[i] as string)).join(',');
  return [header, ...features.map((row) => ORDER.map((i) => row[i]).join(','))].join('\n');
}

const form = (csv: string, mapping: object, names = { input: 'input', mapping: 'mapping' }) =>
  multipart([
    { name: names.input, filename: 'flowers.csv', type: 'text/csv', data: csv },
    {
      name: names.mapping,
      filename: 'mapping.json',
      type: 'application/json',
      data: JSON.stringify(mapping),
    },
  ]);

describe.skipIf(!hasShared)('a job mapping file renames the fields of a tabular job', () => {
  describe('logreg_iris.onnx as it is (no feature names): fields mapped to feature indices', () => {
    const server = useJobsServer(() => ({
      ROCKET_URL: shared('models', 'tabular', 'logreg_iris.onnx'),
    }));

    it('gives the predictions /process gives for iris.csv itself (accuracy 0.98)', async () => {
      const { text, classes, features } = iris();
      const mapping = Object.fromEntries(THEIRS.map((name, i) => [name, i]));
      const res = await post(server().url, form(renamedCsv(features), mapping));
      expect(res.status).toBe(202);
      const job = await waitForJob(server().url, (await json(res)).id);
      expect(job.status).toBe('succeeded');
      const result = await json(await fetch(`${server().url}/jobs/${job.id}/result`));
      const direct = multipart([{ name: 'input', filename: 'iris.csv', type: 'text/csv', data: text }]);
      const sync = await json(await post(server().url, direct, { path: '/process' }));
      expect(result.predictions).toHaveLength(150);
      expect(withoutTiming(result)).toEqual(withoutTiming(sync));
      const correct = result.predictions.filter(
        (p: { class: number }, i: number) => p.class === classes[i],
      ).length;
      expect(correct / 150).toBeCloseTo(0.98, 4);
    });

    it('refuses at once a mapping that names a feature by name (the model has none) or misses a field', async () => {
      const { features } = iris();
      const byName = Object.fromEntries(THEIRS.map((name, i) => [name, FEATURES[i]]));
      const lacking = Object.fromEntries(THEIRS.slice(0, 3).map((name, i) => [name, i]));
      for (const [mapping, message] of [
        [byName, /names no features/],
        [lacking, /no field for feature 3/],
      ] as const) {
        const res = await post(server().url, form(renamedCsv(features), mapping));
        const body = await json(res);
        expect([res.status, body.error.code]).toEqual([400, 'INVALID_INPUT']);
        expect(body.error.message).toMatch(message);
      }
    });
  });

  describe('a logreg_iris rocket with its own mapping: fields mapped to feature names', () => {
    const server = useJobsServer(() => {
      const dir = mkdtempSync(join(tmpdir(), 'rocket-iris-'));
      writeFileSync(join(dir, 'features.json'), JSON.stringify(FEATURES));
      const manifest = { model: shared('models', 'tabular', 'logreg_iris.onnx'), mapping: 'features.json' };
      writeFileSync(join(dir, 'rocket.json'), JSON.stringify(manifest));
      return { ROCKET_URL: dir };
    });

    it('POST /jobs and POST /data/add-job (Mappings) both give the predictions of the named rows', async () => {
      const { features, classes } = iris();
      const mapping = Object.fromEntries(THEIRS.map((name, i) => [name, FEATURES[i]]));
      const named = {
        inputs: features.map((row) => Object.fromEntries(FEATURES.map((f, i) => [f, Number(row[i])]))),
      };
      const sync = await json(
        await fetch(`${server().url}/process`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(named),
        }),
      );
      expect(
        sync.predictions.filter((p: { class: number }, i: number) => p.class === classes[i]).length,
      ).toBe(147);

      const job = await json(await post(server().url, form(renamedCsv(features), mapping)));
      const compat = form(renamedCsv(features), mapping, { input: 'File', mapping: 'Mappings' });
      const added = await json(await post(server().url, compat, { path: '/data/add-job' }));
      for (const id of [job.id, added.data.id]) {
        expect((await waitForJob(server().url, id)).status).toBe('succeeded');
        const result = await json(await fetch(`${server().url}/jobs/${id}/result`));
        expect(withoutTiming(result)).toEqual(withoutTiming(sync));
      }
    });
  });
});
