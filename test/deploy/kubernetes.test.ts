import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../../src/config/options.js';
import { ROOT } from '../helpers/server.js';
import { clone, type Doc, kubernetesProblems, readYaml } from './validators.js';

const yamlIn = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(dir, f));
const FILES = [
  ...yamlIn('deploy/kubernetes'),
  ...yamlIn('deploy/kubernetes/gpu'),
  ...yamlIn('deploy/knative'),
];
const docs = FILES.flatMap((file) => readYaml(file).map((doc) => ({ file, doc })));
const find = (kind: string, name: string): Doc =>
  docs.find((d) => d.doc.kind === kind && d.doc.metadata.name === name)?.doc;
const env = (container: Doc, name: string) => container.env?.find((e: Doc) => e.name === name)?.value;

describe('Kubernetes and Knative manifests: OpenAPI schema validation', () => {
  it('finds every manifest', () => {
    expect(docs.map((d) => `${d.doc.kind}/${d.doc.metadata.name}`).sort()).toEqual([
      'ConfigMap/rocketserve-config',
      'Deployment/rocketserve',
      'Deployment/rocketserve-gpu',
      'Deployment/rocketserve-worker',
      'HorizontalPodAutoscaler/rocketserve',
      'HorizontalPodAutoscaler/rocketserve-worker',
      'Job/rocketserve-batch',
      'PodDisruptionBudget/rocketserve',
      'PodDisruptionBudget/rocketserve-gpu',
      'Service/rocketserve',
      'Service/rocketserve',
      'Service/rocketserve-gpu',
    ]);
  });

  it.each(docs.map((d) => [`${d.file} ${d.doc.kind}/${d.doc.metadata.name}`, d.doc]))(
    '%s is valid',
    async (_, doc) => {
      expect(await kubernetesProblems(doc)).toEqual([]);
    },
  );

  it('rejects broken manifests (the validator is not a YAML parser)', async () => {
    const deployment = find('Deployment', 'rocketserve');
    const badPort = clone(deployment);
    badPort.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect((await kubernetesProblems(badPort)).join()).toMatch(/containerPort must be integer/);
    const noSelector = clone(deployment);
    delete noSelector.spec.selector;
    expect((await kubernetesProblems(noSelector)).join()).toMatch(
      /spec must have required property selector/,
    );
    const badProbe = clone(deployment);
    badProbe.spec.template.spec.containers[0].readinessProbe.periodSeconds = 'often';
    expect(await kubernetesProblems(badProbe)).not.toEqual([]);
    const hpa = clone(find('HorizontalPodAutoscaler', 'rocketserve'));
    hpa.spec.metrics[0].resource.target.averageUtilization = '70%';
    expect(await kubernetesProblems(hpa)).not.toEqual([]);
    expect(await kubernetesProblems({ apiVersion: 'apps/v1beta1', kind: 'Deployment' })).toEqual([
      'no schema for apiVersion apps/v1beta1 kind Deployment',
    ]);
  });
});

describe.each([
  ['CPU', 'rocketserve'],
  ['GPU', 'rocketserve-gpu'],
])('%s Deployment semantics', (variant, name) => {
  const deployment = find('Deployment', name);
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];

  it('selects its own pods, and the Service and PDB select the same pods', () => {
    const labels = deployment.spec.template.metadata.labels;
    expect(labels).toMatchObject(deployment.spec.selector.matchLabels);
    expect(labels).toMatchObject(find('Service', name).spec.selector);
    expect(labels).toMatchObject(find('PodDisruptionBudget', name).spec.selector.matchLabels);
    expect(find('Service', name).spec.ports[0].targetPort).toBe(container.ports[0].name);
  });

  it('probes: startup and readiness on /readyz, liveness on /livez, on the serving port', () => {
    expect(container.startupProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/livez', port: 'http' });
    expect(container.ports[0]).toMatchObject({ name: 'http', containerPort: Number(env(container, 'PORT')) });
    // the startup probe allows minutes for a rocket download; liveness only starts after it
    const startupWindow = container.startupProbe.periodSeconds * container.startupProbe.failureThreshold;
    expect(startupWindow).toBeGreaterThanOrEqual(300);
  });

  it('drains: grace period > preStop sleep + SHUTDOWN_GRACE_S', () => {
    const [command, seconds] = container.lifecycle.preStop.exec.command;
    expect(command).toBe('sleep');
    const shutdownGrace = Number(
      /SHUTDOWN_GRACE_S = (\d+)/.exec(find('ConfigMap', 'rocketserve-config').data['config.ini'])?.[1] ??
        OPTIONS.SHUTDOWN_GRACE_S.default,
    );
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(seconds) + shutdownGrace);
  });

  it('runs as the image user, non-root, read-only, with writable /tmp and rocket cache', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
    });
    const mounts = container.volumeMounts.map((m: Doc) => m.mountPath);
    expect(mounts).toEqual(
      expect.arrayContaining(['/tmp', '/home/node/.cache/rocketserve', '/app/config.ini']),
    );
  });

  it('sizes threads to its CPU request', () => {
    expect(Number(env(container, 'WORKERS')) * Number(env(container, 'INTRA_OP_THREADS'))).toBe(
      Number(container.resources.requests.cpu),
    );
    if (variant === 'GPU') {
      expect(env(container, 'DEVICE')).toBe('cuda');
      expect(container.resources.limits['nvidia.com/gpu']).toBe(1);
      expect(container.image).toMatch(/-gpu$/);
    } else {
      expect(env(container, 'DEVICE')).toBe('cpu');
    }
  });
});

describe('HPA and Knative', () => {
  it('the HPA scales the CPU Deployment', () => {
    const hpa = find('HorizontalPodAutoscaler', 'rocketserve');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: 'rocketserve',
    });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(
      find('PodDisruptionBudget', 'rocketserve').spec.minAvailable + 1,
    );
  });

  it('the Knative Service scales to zero with a container concurrency, probing /readyz and /livez', () => {
    const ksvc = docs.find((d) => d.doc.apiVersion === 'serving.knative.dev/v1')?.doc;
    const { metadata, spec } = ksvc.spec.template;
    expect(metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('0');
    expect(spec.containerConcurrency).toBeGreaterThan(0);
    expect(spec.containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    expect(spec.containers[0].livenessProbe.httpGet.path).toBe('/livez');
  });
});
