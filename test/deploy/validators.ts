/**
 * Schema validation for the deployment files, with validators from npm and schemas bundled in npm
 * packages (nothing is fetched): Kubernetes and Knative objects through kubernetes-models (its
 * validators are compiled from the Kubernetes OpenAPI schema), cloudbuild.yaml and the compose
 * files through SchemaStore's JSON Schemas (the `schemastore` package) with ajv.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Ajv, type AnySchemaObject, type ErrorObject } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/server.js';

const require = createRequire(import.meta.url);
const SCHEMAS = join(dirname(require.resolve('schemastore/package.json')), 'schemas', 'json');

/** A parsed manifest: any JSON-like object. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are arbitrary YAML
export type Doc = any;

/** Every YAML document of a file under the repository root, parsed. Throws on YAML errors. */
export function readYaml(path: string): Doc[] {
  return parseAllDocuments(readFileSync(join(ROOT, path), 'utf8')).map((doc) => {
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return doc.toJSON();
  });
}

/** A deep copy, for tests that break a manifest on purpose. */
export const clone = <T>(value: T): T => structuredClone(value);

type Validate = { validate(): void };
type ModelClass = new (data: Doc) => Validate;

const MODELS: Record<string, () => Promise<ModelClass>> = {
  'v1/ConfigMap': async () => (await import('kubernetes-models/v1/ConfigMap')).ConfigMap,
  'v1/Service': async () => (await import('kubernetes-models/v1/Service')).Service,
  'apps/v1/Deployment': async () => (await import('kubernetes-models/apps/v1/Deployment')).Deployment,
  'batch/v1/Job': async () => (await import('kubernetes-models/batch/v1/Job')).Job,
  'autoscaling/v2/HorizontalPodAutoscaler': async () =>
    (await import('kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler')).HorizontalPodAutoscaler,
  'policy/v1/PodDisruptionBudget': async () =>
    (await import('kubernetes-models/policy/v1/PodDisruptionBudget')).PodDisruptionBudget,
  'serving.knative.dev/v1/Service': async () =>
    (await import('@kubernetes-models/knative/serving.knative.dev/v1/Service')).Service,
};

/**
 * Validates one Kubernetes object against the OpenAPI schema of its apiVersion and kind.
 * @returns the problems ([] when valid); an unknown apiVersion/kind is a problem too.
 */
export async function kubernetesProblems(doc: Doc): Promise<string[]> {
  const load = MODELS[`${doc?.apiVersion}/${doc?.kind}`];
  if (!load) return [`no schema for apiVersion ${doc?.apiVersion} kind ${doc?.kind}`];
  const Model = await load();
  try {
    new Model(doc).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}

const GO_DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;
const formats = {
  'google-duration': /^\d+(\.\d{0,9})?s$/,
  byte: /^[A-Za-z0-9+/]*={0,2}$/,
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  duration: GO_DURATION,
  ports: /^((\[[\da-f:]+\]|[\w.-]+):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/i,
  expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
  subnet_ip_address: /^[\da-f.:]+\/\d{1,3}$/i,
} as const;

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map(
    (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
  );
}

function compile(ajv: Ajv | Ajv2019, schema: AnySchemaObject): (doc: Doc) => string[] {
  for (const [name, format] of Object.entries(formats)) ajv.addFormat(name, format as never);
  const validate = ajv.compile(schema);
  return (doc) => (validate(doc) ? [] : describe(validate.errors));
}

const readSchema = (path: string): AnySchemaObject => JSON.parse(readFileSync(join(SCHEMAS, path), 'utf8'));

/**
 * SchemaStore's cloudbuild.json, made strict: unknown keys in the build, a step or the options
 * are errors (the published schema allows any), so a misspelt `waitFor` cannot pass.
 */
function cloudBuildSchema(): AnySchemaObject {
  const schema = readSchema('cloudbuild.json');
  schema.additionalProperties = false;
  for (const def of ['BuildStep', 'BuildOptions']) schema.definitions[def].additionalProperties = false;
  return schema;
}

/** Validates a parsed cloudbuild.yaml; returns the problems. */
export const cloudBuildProblems = (() => {
  let validate: ((doc: Doc) => string[]) | undefined;
  return (doc: Doc) => {
    validate ??= compile(new Ajv({ strict: false, allErrors: true }), cloudBuildSchema());
    return validate(doc);
  };
})();

/** Validates a parsed compose file (docker compose or a swarm stack); returns the problems. */
export const composeProblems = (() => {
  let validate: ((doc: Doc) => string[]) | undefined;
  /**
   * The schema names `http://json-schema.org/draft/2019-09/schema#`, which is not the meta-schema
   * id ajv registers, and keeps draft-04 `"id"` labels that nothing refers to: drop both and
   * compile it as the 2019-09 schema it is.
   */
  const compileSchema = () => {
    const { $schema: _, ...schema } = readSchema(
      'raw.githubusercontent.com/compose-spec/compose-spec/master/schema/compose-spec.json',
    );
    return compile(new Ajv2019({ strict: false, allErrors: true }), withoutDraft4Ids(schema));
  };
  return (doc: Doc) => {
    validate ??= compileSchema();
    return validate(doc);
  };
})();

function withoutDraft4Ids(node: Doc): Doc {
  if (Array.isArray(node)) return node.map(withoutDraft4Ids);
  if (!node || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft4Ids(value)]),
  );
}

/** Validates against a JSON Schema (draft-07) given as an object; returns the problems. */
export function schemaProblems(schema: AnySchemaObject, doc: Doc): string[] {
  return compile(new Ajv({ strict: true, strictTuples: false, allErrors: true }), schema)(doc);
}

/**
 * Interpolates `${VAR}`, `${VAR:-default}` and `${VAR-default}` in every string, the way
 * `docker compose config` does with no variables set, so the schema sees the values used.
 */
export function interpolate(value: Doc, env: Record<string, string> = {}): Doc {
  if (typeof value === 'string') {
    return value.replace(
      /\$\{(\w+)(?::?-([^}]*))?\}/g,
      (_, name: string, fallback?: string) => env[name] ?? fallback ?? '',
    );
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}
