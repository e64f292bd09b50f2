import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationSeverity, type ValidatorSettings, validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/server.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');
const require = createRequire(import.meta.url);

/** Every check dockerfile-utils has, as an error. */
const STRICT: ValidatorSettings = Object.fromEntries(
  [
    'deprecatedMaintainer',
    'directiveCasing',
    'emptyContinuationLine',
    'instructionCasing',
    'instructionCmdMultiple',
    'instructionEntrypointMultiple',
    'instructionHealthcheckMultiple',
    'instructionJSONInSingleQuotes',
    'instructionWorkdirRelative',
  ].map((k) => [k, ValidationSeverity.ERROR]),
);

const lint = (text: string) =>
  validate(text, STRICT).map((d) => `line ${d.range.start.line + 1}: ${d.message}`);

interface Instruction {
  keyword: string;
  args: string;
  stage: string;
}

/** Instructions, with continuation lines joined and comments dropped, tagged with their stage. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ').split('\n');
  let stage = '(global)';
  const out: Instruction[] = [];
  for (const line of joined.map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
    const [keyword = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (keyword.toUpperCase() === 'FROM') stage = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${out.length}`;
    out.push({ keyword: keyword.toUpperCase(), args, stage });
  }
  return out;
}

const DOCKERFILES = ['Dockerfile', 'Dockerfile.gpu', 'Dockerfile.lambda'];

/** The instructions of a Dockerfile's last stage, the image that runs. */
function finalStage(all: Instruction[]): Instruction[] {
  const last = all.findLast((i) => i.keyword === 'FROM')?.stage;
  return all.filter((i) => i.stage === last);
}

describe.each(DOCKERFILES)('%s', (file) => {
  const text = read(file);
  const all = instructions(text);
  const stages = all.filter((i) => i.keyword === 'FROM').map((i) => i.stage);
  const final = finalStage(all);

  it('lints clean (dockerfile-utils, every rule an error)', () => {
    expect(lint(text)).toEqual([]);
  });

  it('names every stage, pins base images by tag, and copies only from earlier stages', () => {
    for (const from of all.filter((i) => i.keyword === 'FROM')) {
      expect(from.args).toMatch(/ AS [a-z][\w-]*$/);
      expect(from.args).not.toMatch(/:latest\b/);
    }
    for (const arg of all.filter((i) => i.keyword === 'ARG' && /_IMAGE=/.test(i.args))) {
      expect(arg.args).toMatch(/=[\w./-]+:[\w.-]+$/);
    }
    for (const copy of all.filter((i) => i.keyword === 'COPY' && i.args.includes('--from='))) {
      const source = /--from=(\S+)/.exec(copy.args)?.[1] as string;
      expect(stages.slice(0, stages.indexOf(copy.stage))).toContain(source);
    }
    expect(new Set(stages).size).toBe(stages.length);
  });

  it('the final stage runs as production, never builds, and keeps apt tidy where it is used', () => {
    expect(final.find((i) => i.keyword === 'ENV')?.args).toMatch(/NODE_ENV=production/);
    expect(final.some((i) => i.keyword === 'RUN' && /npm (ci|install)|cmake|g\+\+/.test(i.args))).toBe(false);
    for (const run of all.filter((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'))) {
      expect(run.args).toContain('--no-install-recommends');
      expect(run.args).toContain('rm -rf /var/lib/apt/lists/*');
    }
  });
});

describe.each(['Dockerfile', 'Dockerfile.gpu'])('%s serves HTTP', (file) => {
  const final = finalStage(instructions(read(file)));

  it('runs the bundled `rocket serve` as uid 1000 with a HEALTHCHECK, on 5042', () => {
    expect(final.find((i) => i.keyword === 'USER')?.args).toBe('1000:1000');
    expect(final.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('scripts/healthcheck.mjs');
    expect(final.find((i) => i.keyword === 'EXPOSE')?.args).toBe('5042');
    expect(final.find((i) => i.keyword === 'CMD')?.args).toBe('["node", "dist/bundle/cli.js", "serve"]');
  });
});

describe('Dockerfile.lambda answers events', () => {
  it('has the runtime interface client call the bundled handler (test/lambda/entry.test.ts runs it)', () => {
    const final = finalStage(instructions(read('Dockerfile.lambda')));
    expect(final.find((i) => i.keyword === 'CMD')?.args).toBe('["dist/bundle/lambda.handler"]');
  });
});

describe('lint catches broken Dockerfiles', () => {
  it('reports unknown flags, bad durations and misspelt instructions', () => {
    const broken = 'FROM node:20 AS a\nCOPY --frm=a x y\nHEALTHCHECK --interval=soon CMD true\nRUNN true\n';
    const problems = lint(broken).join('\n');
    expect(problems).toContain('Unknown flag: frm');
    expect(problems).toContain('invalid duration soon');
    expect(problems).toMatch(/Unknown instruction: RUNN/);
  });
});

describe('Dockerfile.gpu and the onnxruntime-node CUDA provider', () => {
  const gpu = instructions(read('Dockerfile.gpu'));

  it('defaults to DEVICE=cuda on a CUDA 12 + cuDNN 9 runtime base', () => {
    expect(gpu.find((i) => i.keyword === 'ARG' && i.args.startsWith('CUDA_IMAGE='))?.args).toMatch(
      /^CUDA_IMAGE=nvidia\/cuda:12\.\d+\.\d+-cudnn-runtime-ubuntu24\.04$/,
    );
    const env = gpu.filter((i) => i.stage === 'runtime' && i.keyword === 'ENV').map((i) => i.args);
    expect(env.join(' ')).toMatch(/DEVICE=cuda/);
  });

  it('runs the install script explicitly with ONNXRUNTIME_NODE_INSTALL=cuda12 and checks its output', () => {
    expect(gpu.find((i) => i.keyword === 'ARG' && i.args.startsWith('ONNXRUNTIME_NODE_INSTALL='))?.args).toBe(
      'ONNXRUNTIME_NODE_INSTALL=cuda12',
    );
    const install = gpu.find((i) => i.keyword === 'RUN' && i.args.includes('script/install.js'));
    expect(install?.stage).toBe('cuda-provider');
    expect(install?.args).toContain(
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal shell/compose variable
      'ONNXRUNTIME_NODE_INSTALL=${ONNXRUNTIME_NODE_INSTALL} node node_modules/onnxruntime-node/script/install.js',
    );
    expect(install?.args).toContain('libonnxruntime_providers_cuda.so');
    expect(
      gpu.some(
        (i) =>
          i.args.includes('COPY --from=cuda-provider') ||
          (i.keyword === 'COPY' && i.args.includes('--from=cuda-provider /src/node_modules')),
      ),
    ).toBe(true);
  });

  it("onnxruntime-node's installer handles cuda12: it is not skipped, and fetches the CUDA provider", () => {
    const utils = require('onnxruntime-node/script/install-utils.js') as { parseInstallFlag(): unknown };
    const metadata = require('onnxruntime-node/script/install-metadata.js') as {
      requirements: Record<string, string[]>;
      manifests: Record<string, Record<string, unknown>>;
    };
    const saved = process.env.ONNXRUNTIME_NODE_INSTALL;
    try {
      // 1.30's parser returns undefined for a named flag (not the name), which means "install what
      // this platform requires": for linux/x64 that is cuda12. `skip` is the only way to opt out.
      process.env.ONNXRUNTIME_NODE_INSTALL = 'cuda12';
      expect(utils.parseInstallFlag()).not.toBe(false);
      process.env.ONNXRUNTIME_NODE_INSTALL = 'skip';
      expect(utils.parseInstallFlag()).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.ONNXRUNTIME_NODE_INSTALL;
      else process.env.ONNXRUNTIME_NODE_INSTALL = saved;
    }
    expect(metadata.requirements['linux/x64']).toEqual(['cuda12']);
    expect(Object.keys(metadata.manifests['linux/x64:cuda12'] ?? {})).toEqual(
      expect.arrayContaining(['./libonnxruntime_providers_cuda.so', './libonnxruntime_providers_shared.so']),
    );
  });

  it.runIf(process.platform === 'linux' && process.arch === 'x64')(
    'running install.js as Dockerfile.gpu does asks nuget.org for the GPU package (skip asks nothing)',
    () => {
      // A preload that records the installer's first HTTPS request and stops it there.
      const dir = mkdtempSync(join(tmpdir(), 'ort-install-'));
      const stub = join(dir, 'record-https.cjs');
      writeFileSync(
        stub,
        "const https = require('node:https');\n" +
          "https.get = (url) => { process.stdout.write('REQUEST ' + url + '\\n'); process.exit(0); };\n",
      );
      const script = require.resolve('onnxruntime-node/script/install.js');
      const run = (flag: string) =>
        spawnSync(process.execPath, ['-r', stub, script], {
          env: { PATH: process.env.PATH, ONNXRUNTIME_NODE_INSTALL: flag },
          encoding: 'utf8',
        });
      const cuda = run('cuda12');
      expect(cuda.status).toBe(0);
      expect(cuda.stdout).toContain('REQUEST https://api.nuget.org/v3/index.json');
      const skip = run('skip');
      expect(skip.status).toBe(0);
      expect(skip.stdout).not.toContain('REQUEST');
    },
  );
});
