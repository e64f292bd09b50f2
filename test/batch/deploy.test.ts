import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BATCH_OPTIONS } from '../../src/commands/batch.js';
import { type Doc, kubernetesProblems, readYaml } from '../deploy/validators.js';
import { ROOT } from '../helpers/server.js';

/** The command line of a container: `node dist/bundle/cli.js batch` and arguments `rocket batch` accepts. */
function expectBatchCommand(container: Doc): void {
  expect(container.command).toEqual(['node', 'dist/bundle/cli.js', 'batch']);
  const { positionals, values } = parseArgs({
    args: container.args,
    allowPositionals: true,
    options: BATCH_OPTIONS,
  });
  expect(positionals).toHaveLength(1);
  expect(positionals[0]).toMatch(/^gs:\/\//);
  expect(values.out).toMatch(/^gs:\/\//);
  expect(values.shard).toBeUndefined(); // the engine gives each task its index
}

const env = (container: Doc, name: string) => container.env?.find((e: Doc) => e.name === name)?.value;

describe('deploy/kubernetes/batch-job.yaml', () => {
  const [job] = readYaml('deploy/kubernetes/batch-job.yaml');
  const pod = job.spec.template.spec;
  const container = pod.containers[0];

  it('is a valid batch/v1 Job', async () => {
    expect(await kubernetesProblems(job)).toEqual([]);
  });

  it('is an Indexed Job whose pods know the shard count, created suspended', () => {
    expect(job.spec.completionMode).toBe('Indexed');
    expect(job.spec.suspend).toBe(true);
    expect(env(container, 'JOB_COMPLETIONS')).toBe(String(job.spec.completions));
    expect(pod.restartPolicy).toBe('Never');
    expectBatchCommand(container);
  });

  it('fails an index that exits 3 (inputs failed) at once, and retries other failures', () => {
    expect(job.spec.backoffLimitPerIndex).toBeGreaterThan(0);
    expect(job.spec.podFailurePolicy.rules).toContainEqual({
      action: 'FailIndex',
      onExitCodes: { containerName: container.name, operator: 'In', values: [3] },
    });
  });

  it('runs as non-root on a read-only root, with /tmp (bucket staging) and the rocket cache writable', () => {
    expect(pod.securityContext.runAsNonRoot).toBe(true);
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(container.volumeMounts.map((m: Doc) => m.mountPath).sort()).toEqual([
      '/home/node/.cache/rocketserve',
      '/tmp',
    ]);
  });
});

describe('deploy/cloudrun-job.yaml', () => {
  const [job] = readYaml('deploy/cloudrun-job.yaml');
  const execution = job.spec.template.spec;
  const task = execution.template.spec;
  const container = task.containers[0];

  it('is a Cloud Run job (run.googleapis.com/v1) with its tasks run in parallel', () => {
    expect([job.apiVersion, job.kind]).toEqual(['run.googleapis.com/v1', 'Job']);
    expect(execution.taskCount).toBeGreaterThan(1);
    expect(execution.parallelism).toBeLessThanOrEqual(execution.taskCount);
    expect(task.maxRetries).toBeGreaterThanOrEqual(0);
    expect(task.maxRetries).toBeLessThanOrEqual(10);
    expect(Number(task.timeoutSeconds)).toBeLessThanOrEqual(7 * 24 * 3600);
    expect(task.serviceAccountName).toMatch(/@PROJECT_ID\.iam\.gserviceaccount\.com$/);
  });

  it('runs rocket batch, its shard from CLOUD_RUN_TASK_INDEX and CLOUD_RUN_TASK_COUNT (set by Cloud Run)', () => {
    expectBatchCommand(container);
    expect(env(container, 'CLOUD_RUN_TASK_INDEX')).toBeUndefined();
    expect(container.resources.limits).toEqual({ cpu: '2', memory: '4Gi' });
  });
});

describe('the batch docs', () => {
  const deploy = readFileSync(join(ROOT, 'docs', 'deploy.md'), 'utf8');
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('give copy-paste commands for Cloud Run Jobs and Kubernetes', () => {
    expect(deploy).toContain('## Batch');
    expect(deploy).toContain('gcloud run jobs replace /tmp/rocket-batch.yaml');
    expect(deploy).toContain('gcloud run jobs execute rocket-batch');
    expect(deploy).toContain('kubectl apply -f deploy/kubernetes/batch-job.yaml');
    expect(deploy).toContain(
      `kubectl patch job rocketserve-batch --type=merge -p '{"spec":{"suspend":false}}'`,
    );
  });

  it('the README has a short Batch section linking to them', () => {
    expect(readme).toMatch(/^## Batch$/m);
    expect(readme).toContain('npx rocket batch ./photos --out ./results');
    expect(readme).toContain('(docs/deploy.md#batch)');
  });
});
