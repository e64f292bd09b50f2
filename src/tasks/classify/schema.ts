import { z } from 'zod';

/** One prediction of a classifier: its class, label and probability. */
export const prediction = z.object({
  label: z.string(),
  class: z.number().int(),
  confidence: z.number().min(0).max(1),
});

export type Prediction = z.infer<typeof prediction>;
