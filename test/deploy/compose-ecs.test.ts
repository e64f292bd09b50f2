import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';
import { clone, composeProblems, type Doc, interpolate, readYaml, schemaProblems } from './validators.js';

const readJson = (path: string): Doc => JSON.parse(readFileSync(join(ROOT, path), 'utf8'));

describe.each([
  ['docker-compose.yml', 'rocketserve'],
  ['deploy/swarm/stack.yml', 'rocketserve'],
])('%s: Compose specification schema', (file, service) => {
  const [raw] = readYaml(file) as [Doc];
  const compose = interpolate(raw);

  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell/compose variable
  it('is valid once ${VARIABLES} take their defaults', () => {
    expect(composeProblems(compose)).toEqual([]);
  });

  it('rejects an invalid file', () => {
    const typo = clone(compose);
    typo.services[service].healthcheck.intervall = '15s';
    expect(composeProblems(typo).join()).toMatch(/must NOT have additional properties/);
    const badDuration = clone(compose);
    badDuration.services[service].healthcheck.interval = 'fifteen seconds';
    expect(composeProblems(badDuration).join()).toMatch(/interval must match format "duration"/);
    const badPort = clone(compose);
    badPort.services[service].ports = [{ target: 'http' }];
    expect(composeProblems(badPort)).not.toEqual([]);
  });

  it('health-checks with the image script, with a stop grace longer than the drain', () => {
    const svc = compose.services[service];
    expect(svc.healthcheck.test).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    expect(Number.parseInt(svc.stop_grace_period, 10)).toBeGreaterThan(10);
    expect(JSON.stringify(svc.volumes)).toContain('/home/node/.cache/rocketserve');
  });
});

describe('compose specifics', () => {
  const compose = interpolate(readYaml('docker-compose.yml')[0]);
  const stack = interpolate(readYaml('deploy/swarm/stack.yml')[0]);

  it('docker compose builds the CPU image and serves 5042; the GPU service asks for an NVIDIA device', () => {
    expect(compose.services.rocketserve.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(compose.services.rocketserve.ports).toEqual(['5042:5042']);
    const gpu = compose.services['rocketserve-gpu'];
    expect(gpu.build.dockerfile).toBe('Dockerfile.gpu');
    expect(gpu.profiles).toEqual(['gpu']);
    expect(gpu.deploy.resources.reservations.devices).toEqual([
      { driver: 'nvidia', count: 1, capabilities: ['gpu'] },
    ]);
    expect(existsSync(join(ROOT, compose.services.prometheus.volumes[0].split(':')[0]))).toBe(true);
  });

  it('the swarm stack is replicated (so `docker service scale` applies) and rolls updates start-first', () => {
    const { deploy } = stack.services.rocketserve;
    expect(deploy.mode).toBe('replicated');
    expect(deploy.replicas).toBeGreaterThan(1);
    expect(deploy.update_config.order).toBe('start-first');
    expect(stack.services.rocketserve.build).toBeUndefined();
    expect(stack.services.rocketserve.image).toMatch(/\/rocket\/[\w-]+\/[\w-]+:[\w.-]+$/);
  });
});

describe('deploy/ecs/task-definition.json (Fargate)', () => {
  const schema = readJson('test/deploy/schemas/ecs-task-definition.schema.json');
  const task = readJson('deploy/ecs/task-definition.json');
  const container = task.containerDefinitions[0];

  it('is a valid task definition', () => {
    expect(schemaProblems(schema, task)).toEqual([]);
  });

  it('rejects an invalid one', () => {
    const typo = clone(task);
    typo.containerDefinitions[0].healthcheck = typo.containerDefinitions[0].healthCheck;
    expect(schemaProblems(schema, typo).join()).toMatch(/must NOT have additional properties/);
    const badInterval = clone(task);
    badInterval.containerDefinitions[0].healthCheck.interval = 1;
    expect(schemaProblems(schema, badInterval).join()).toMatch(/interval must be >= 5/);
    const noImage = clone(task);
    delete noImage.containerDefinitions[0].image;
    expect(schemaProblems(schema, noImage).join()).toMatch(/must have required property 'image'/);
  });

  it('fits Fargate: awsvpc, a valid CPU/memory pair, ports and volumes that line up', () => {
    expect(task.requiresCompatibilities).toEqual(['FARGATE']);
    expect(task.networkMode).toBe('awsvpc');
    const cpu = Number(task.cpu);
    const memory = Number(task.memory);
    const gib = (n: number) => n * 1024;
    const range = (from: number, to: number, step: number) =>
      Array.from({ length: (to - from) / step + 1 }, (_, i) => gib(from + i * step));
    const fargate: Record<number, number[]> = {
      256: [512, 1024, 2048],
      512: range(1, 4, 1),
      1024: range(2, 8, 1),
      2048: range(4, 16, 1),
      4096: range(8, 30, 1),
      8192: range(16, 60, 4),
      16384: range(32, 120, 8),
    };
    expect(fargate[cpu]).toContain(memory);
    for (const mapping of container.portMappings)
      expect(mapping.hostPort ?? mapping.containerPort).toBe(mapping.containerPort);
    const volumes = task.volumes.map((v: Doc) => v.name);
    for (const mount of container.mountPoints) expect(volumes).toContain(mount.sourceVolume);
    expect(container.portMappings[0].containerPort).toBe(5042);
    expect(container.healthCheck.command).toEqual(['CMD', 'node', 'scripts/healthcheck.mjs']);
    expect(container.stopTimeout).toBeGreaterThan(10);
  });
});
