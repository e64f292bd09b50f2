import { z } from 'zod';
import { rank, toTensorSignature } from '../signature.js';
import type { RowsFamily } from '../types.js';
import { inferTabular } from './configure.js';
import { predict } from './head.js';

/** One row's answer of a tabular rocket. */
export const tabularPrediction = z.object({
  label: z.string().optional(),
  class: z.number().int().optional(),
  probabilities: z.array(z.number()).optional(),
  value: z.union([z.number(), z.array(z.number())]).optional(),
});

/** Rows of numbers (scikit-learn exports): classes, probabilities or values per row. */
export const tabular: RowsFamily = {
  task: 'tabular',
  input: 'rows',
  summary: 'rows of numbers (scikit-learn): labels, probabilities or values per row',
  outputFormats: [],
  resultFields: { predictions: z.array(tabularPrediction) },
  playground: { panels: ['tabular-view'], query: {}, accept: 'application/json' },

  recognise(signature) {
    const input = signature.inputs[0];
    return rank(input) === 2 ? `its input ${input?.name} [${input?.dims}] takes rows of features` : undefined;
  },

  configure({ modelPath, input, signature, featureNames }) {
    return inferTabular(
      modelPath,
      toTensorSignature(input),
      signature.outputs.map(toTensorSignature),
      featureNames,
    );
  },

  predict,
};
