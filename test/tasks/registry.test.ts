// The family registry and the manifest agree: task names, output formats, output fields.
import { describe, expect, it } from 'vitest';
import { manifestJsonSchema, manifestSchema } from '../../src/rocket/manifest.js';
import { classify } from '../../src/tasks/classify/family.js';
import { detect } from '../../src/tasks/detect/family.js';
import { LAYOUTS } from '../../src/tasks/detect/layouts/index.js';
import { image2image } from '../../src/tasks/image2image/family.js';
import { obb } from '../../src/tasks/obb/family.js';
import { pose } from '../../src/tasks/pose/family.js';
import { FAMILIES, familyOf, imageFamilyOf, TASK_NAMES } from '../../src/tasks/registry.js';
import { segment } from '../../src/tasks/segment/family.js';
import { semantic } from '../../src/tasks/semantic/family.js';
import { tabular } from '../../src/tasks/tabular/family.js';
import { thrown } from '../helpers/errors.js';

interface JsonSchema {
  properties: {
    task: { enum: string[] };
    output: { properties: Record<string, unknown> & { format: { enum: string[] } } };
  };
}

const schema = () => manifestJsonSchema() as JsonSchema;

describe('the family registry', () => {
  it('lists every family, each task name once', () => {
    expect(FAMILIES).toEqual([detect, segment, pose, obb, classify, semantic, image2image, tabular]);
    expect(new Set(TASK_NAMES).size).toBe(FAMILIES.length);
    expect(TASK_NAMES).toEqual(FAMILIES.map((f) => f.task));
  });

  it('gives each family a summary, result fields and a playground view', () => {
    for (const family of FAMILIES) {
      expect(family.summary, family.task).not.toBe('');
      expect(Object.keys(family.resultFields).length, family.task).toBeGreaterThan(0);
      expect(family.playground.panels.length, family.task).toBeGreaterThan(0);
      expect(['image', 'rows']).toContain(family.input);
    }
  });

  it('finds a family by task name', () => {
    for (const family of FAMILIES) expect(familyOf(family.task)).toBe(family);
    expect(imageFamilyOf('detect')).toBe(detect);
  });

  it('familyOf an unknown task: ROCKET_INVALID naming the tasks', () => {
    const err = thrown(() => familyOf('nope'));
    expect(err.code).toBe('ROCKET_INVALID');
    expect(err.message).toContain('nope');
    for (const task of TASK_NAMES) expect(err.message).toContain(task);
  });

  it('imageFamilyOf refuses a family that takes rows', () => {
    expect(() => imageFamilyOf('tabular')).toThrow(/does not take images/);
  });

  it('has unique output formats across families (one format, one family)', () => {
    const formats = FAMILIES.flatMap((f) => f.outputFormats);
    expect(new Set(formats).size).toBe(formats.length);
  });

  it('has unique detector layout names, all of them detect output formats', () => {
    const names = LAYOUTS.map((l) => l.name);
    expect(new Set(names).size).toBe(names.length);
    expect(detect.outputFormats).toEqual(names);
  });
});

describe('the manifest follows the registry', () => {
  it("task enum of the JSON Schema equals the registry's task names", () => {
    expect(schema().properties.task.enum).toEqual([...TASK_NAMES]);
  });

  it("output.format enum of the JSON Schema equals every family's formats", () => {
    expect([...schema().properties.output.properties.format.enum].sort()).toEqual(
      FAMILIES.flatMap((f) => f.outputFormats).sort(),
    );
  });

  it.each(LAYOUTS.map((l) => l.name))('accepts detector layout %s as output.format', (format) => {
    const parsed = manifestSchema.safeParse({ model: 'm.onnx', task: 'detect', output: { format } });
    expect(parsed.success).toBe(true);
  });

  it.each(classify.outputFormats)('accepts classifier format %s as output.format', (format) => {
    expect(manifestSchema.safeParse({ model: 'm.onnx', output: { format } }).success).toBe(true);
  });

  it('accepts every task name and refuses others', () => {
    for (const task of TASK_NAMES)
      expect(manifestSchema.safeParse({ model: 'm.onnx', task }).success).toBe(true);
    expect(manifestSchema.safeParse({ model: 'm.onnx', task: 'panoptic' }).success).toBe(false);
    expect(manifestSchema.safeParse({ model: 'm.onnx', output: { format: 'yolov99' } }).success).toBe(false);
  });

  it("takes the detect family's output fields beside format", () => {
    const fields = Object.keys(schema().properties.output.properties);
    for (const field of Object.keys(detect.outputFields ?? {})) expect(fields).toContain(field);
    const parsed = manifestSchema.safeParse({
      model: 'm.onnx',
      output: { format: 'boxes-scores', boxes: 'b', scores: 's', boxFormat: 'cxcywh', background: 0 },
    });
    expect(parsed.success).toBe(true);
    expect(manifestSchema.safeParse({ model: 'm.onnx', output: { boxFormat: 'xywh' } }).success).toBe(false);
    expect(manifestSchema.safeParse({ model: 'm.onnx', output: { anchors: 3 } }).success).toBe(false);
  });
});
