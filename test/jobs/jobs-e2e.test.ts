import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildConvUpscale, gradientImage, writeRocket } from '../helpers/image2image-models.js';
import { jobResult, postProcess, submitImageJob, waitForJob, withoutTimings } from '../helpers/job-client.js';
import { solidImage, writeColourRocket } from '../helpers/models.js';
import { failedStartup, startServer, useServer } from '../helpers/server.js';
import { hasShared, noteIfNoShared, shared } from '../helpers/shared.js';

noteIfNoShared('the YOLOv8n and super-resolution job tests');

/** Submits `image` as a job and as a synchronous request; resolves with both answers. */
async function bothWays(url: string, image: Buffer, query = '', type = 'image/png') {
  const job = await submitImageJob(url, image, query, type);
  const sync = await postProcess(url, image, query, type);
  const syncAnswer = {
    status: sync.status,
    type: sync.headers.get('content-type') ?? '',
    body: Buffer.from(await sync.arrayBuffer()),
  };
  const done = await waitForJob(url, job.id);
  return { job: done, answer: await jobResult(url, job.id), sync: syncAnswer };
}

const parse = (body: Buffer) => JSON.parse(body.toString('utf8'));

describe('a job answers what POST /process answers (a classifier made in code)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeColourRocket() }));

  it('the same JSON apart from the stage times, for the same image and query', async () => {
    const { job, answer, sync } = await bothWays(server().url, await solidImage([200, 30, 20]), '?topk=2');
    expect(job).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(job.startedAt).not.toBeNull();
    expect(answer.status).toBe(200);
    expect(answer.type).toBe(sync.type);
    expect(withoutTimings(parse(answer.body))).toEqual(withoutTimings(parse(sync.body)));
    expect(parse(answer.body).predictions[0].label).toBe('red');
    expect(parse(answer.body).timing.totalMs).toBeGreaterThan(0);
  });

  it('an image /process cannot decode fails as a job, with the same status and error', async () => {
    const { job, answer, sync } = await bothWays(server().url, Buffer.from('not an image at all'));
    expect(sync.status).toBe(422);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'IMAGE_UNDECODABLE' } });
    expect(answer.status).toBe(sync.status);
    expect(parse(answer.body)).toEqual(parse(sync.body));
  });

  it('/metrics counts the jobs by status in the store, and times the jobs run here', async () => {
    const good = await submitImageJob(server().url, await solidImage([10, 200, 10]));
    const bad = await submitImageJob(server().url, Buffer.from('not an image'));
    for (const job of [good, bad]) await waitForJob(server().url, job.id);
    await new Promise((r) => setTimeout(r, 1100)); // the counts are read at most once a second
    const text = await (await fetch(`${server().url}/metrics`)).text();
    const value = (series: string) =>
      Number(
        text
          .split('\n')
          .find((line) => line.startsWith(`${series} `))
          ?.split(' ')[1],
      );
    expect(value('rocket_jobs{status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value('rocket_jobs{status="failed"}')).toBeGreaterThanOrEqual(1);
    expect(value('rocket_jobs{status="queued"}')).toBe(0);
    expect(value('rocket_job_duration_seconds_count{status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(value('rocket_job_duration_seconds_count{status="failed"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^# TYPE rocket_webhook_deliveries_total counter$/m);
  });
});

describe('an image-to-image job answers the same image bytes as POST /process (a model made in code)', () => {
  const server = useServer('npm start server', () => ({ ROCKET_URL: writeRocket(buildConvUpscale()) }));

  it.each([
    ['image/png', ''],
    ['image/jpeg', '?format=jpeg'],
  ])('%s', async (type, query) => {
    const { png } = await gradientImage(48, 40);
    const { job, answer, sync } = await bothWays(server().url, png, query);
    expect(job.status).toBe('succeeded');
    expect(sync.type).toBe(type);
    expect(answer.type).toBe(type);
    expect(answer.body.equals(sync.body)).toBe(true);
  });
});

describe('the job store belongs to one rocket', { timeout: 120_000 }, () => {
  it('by default, a folder of its own under ~/.local/share/rocketserve/jobs, named after the rocket and its model', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rocket-home-'));
    const rocket = writeColourRocket();
    const server = await startServer('npm start server', { ROCKET_URL: rocket, DATA_DIR: '', HOME: home });
    try {
      const job = await submitImageJob(server.url, await solidImage([200, 30, 20]));
      expect((await waitForJob(server.url, job.id)).status).toBe('succeeded');
    } finally {
      await server.stop();
    }
    const sha = createHash('sha256')
      .update(readFileSync(join(rocket, 'colour.onnx')))
      .digest('hex');
    expect(readdirSync(join(home, '.local', 'share', 'rocketserve', 'jobs'))).toEqual([
      `colour-${sha.slice(0, 12)}`,
    ]);
  });

  it("refuses at startup, with DATA_DIR_IN_USE, a DATA_DIR that holds another rocket's jobs", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rocket-owned-'));
    const first = await startServer('npm start server', {
      ROCKET_URL: writeColourRocket(),
      DATA_DIR: dataDir,
    });
    // The job queue opens (and claims DATA_DIR) after readiness: a jobs request waits for it.
    expect((await fetch(`${first.url}/jobs?limit=1`)).status).toBe(200);
    await first.stop();
    const second = await failedStartup('npm start server', {
      ROCKET_URL: writeRocket(buildConvUpscale()),
      DATA_DIR: dataDir,
      WORKERS: '1',
    });
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/DATA_DIR_IN_USE/);
  });
});

describe.skipIf(!hasShared)('real models: YOLOv8n and super-resolution', () => {
  describe('YOLOv8n', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'detection', 'yolov8n_int8_640.onnx'),
    });

    it('bus.jpg: the same detections as /process, apart from the stage times', async () => {
      const bus = readFileSync(shared('images', 'bus.jpg'));
      const { job, answer, sync } = await bothWays(server().url, bus, '', 'image/jpeg');
      expect(job.status).toBe('succeeded');
      const labels = parse(answer.body).detections.map((d: { label: string }) => d.label);
      expect(labels).toEqual(expect.arrayContaining(['bus', 'person', 'person', 'person']));
      expect(withoutTimings(parse(answer.body))).toEqual(withoutTimings(parse(sync.body)));
    });
  });

  describe('super-resolution', () => {
    const server = useServer('npm start server', {
      ROCKET_URL: shared('models', 'image2image', 'super_resolution.onnx'),
    });

    it('cat_224x224.jpg: the same PNG bytes as /process', async () => {
      const cat = readFileSync(shared('models', 'image2image', 'cat_224x224.jpg'));
      const { job, answer, sync } = await bothWays(server().url, cat, '', 'image/jpeg');
      expect(job.status).toBe('succeeded');
      expect(answer.type).toBe('image/png');
      expect(answer.body.length).toBeGreaterThan(10_000);
      expect(answer.body.equals(sync.body)).toBe(true);
    });
  });
});
