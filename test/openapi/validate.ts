import Ajv2020 from 'ajv/dist/2020.js';

/** A validator (JSON Schema 2020-12) for one component schema of an OpenAPI document. */
export function componentValidator(document: unknown, id: string) {
  const ajv = new Ajv2020.default({ strict: false, allErrors: true });
  ajv.addSchema({ ...(document as object), $id: 'doc' });
  const validate = ajv.getSchema(`doc#/components/schemas/${id}`);
  if (!validate) throw new Error(`No component ${id}`);
  return validate;
}
