import { describe, expect, it } from 'vitest';
import { type Doc, kubernetesProblems, readYaml } from './validators.js';

const workerDocs = readYaml('deploy/kubernetes/worker-deployment.yaml');
const worker = workerDocs.find((d) => d.kind === 'Deployment');
const hpa = workerDocs.find((d) => d.kind === 'HorizontalPodAutoscaler');
const web = readYaml('deploy/kubernetes/deployment.yaml')[0];
const gpu = readYaml('deploy/kubernetes/gpu/deployment.yaml')[0];
const service = readYaml('deploy/kubernetes/service.yaml')[0];
const containerOf = (deployment: Doc) => deployment.spec.template.spec.containers[0];
const envOf = (deployment: Doc, name: string) =>
  containerOf(deployment).env.find((e: Doc) => e.name === name);

describe('the rocket worker Deployment and its queue-depth HPA', () => {
  it('are valid Kubernetes objects', async () => {
    expect(await kubernetesProblems(worker)).toEqual([]);
    expect(await kubernetesProblems(hpa)).toEqual([]);
  });

  it('runs `rocket worker` from the web tier image, and is never behind the Service', () => {
    expect(containerOf(worker).command).toEqual(['node', 'dist/bundle/cli.js', 'worker']);
    expect(containerOf(worker).image).toBe(containerOf(web).image);
    expect(containerOf(worker).ports, 'it serves no HTTP').toBeUndefined();
    const labels = worker.spec.template.metadata.labels;
    const selected = Object.entries(service.spec.selector).every(([k, v]) => labels[k] === v);
    expect(selected).toBe(false);
  });

  it('shares one queue with the web tier: the same JOB_STORE Secret, and a writable DATA_DIR in every pod', () => {
    for (const deployment of [worker, web, gpu]) {
      expect(envOf(deployment, 'JOB_STORE').valueFrom.secretKeyRef).toEqual({
        name: 'rocketserve-jobs',
        key: 'JOB_STORE',
        optional: true,
      });
      const dataDir = envOf(deployment, 'DATA_DIR').value;
      const mount = containerOf(deployment).volumeMounts.find((m: Doc) => m.mountPath === dataDir);
      expect(mount?.readOnly, `${deployment.metadata.name} mounts DATA_DIR writable`).not.toBe(true);
      expect(deployment.spec.template.spec.volumes.some((v: Doc) => v.name === mount.name)).toBe(true);
    }
  });

  it('gives running jobs their grace before the kill: terminationGracePeriodSeconds > SHUTDOWN_GRACE_S', () => {
    const grace = Number(envOf(worker, 'SHUTDOWN_GRACE_S').value);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(grace);
    expect(containerOf(worker).securityContext).toMatchObject({ readOnlyRootFilesystem: true });
  });

  it('scales the workers on the queued jobs, as the external metric prometheus-adapter serves', () => {
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: worker.metadata.name,
    });
    const [metric] = hpa.spec.metrics;
    expect(metric.type).toBe('External');
    expect(metric.external.metric.name).toBe('rocketserve_jobs_queued');
    expect(metric.external.target.type).toBe('AverageValue');
  });
});
