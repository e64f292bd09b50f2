import { z } from 'zod';

/** One class found in the image and the share of the image's pixels it covers. */
export const classShare = z.object({
  label: z.string(),
  class: z.number().int(),
  fraction: z
    .number()
    .min(0)
    .max(1)
    .describe('Share of the original image’s pixels of this class, 4 significant digits.'),
});

/** The class map in JSON (`map=png`): a palette PNG whose pixel values are the class ids. */
export const classMapPng = z.object({
  width: z.number().int(),
  height: z.number().int(),
  contentType: z.literal('image/png'),
  data: z
    .string()
    .describe(
      'The class map at the original size, base64: an 8-bit palette PNG (16-bit grey beyond 255 classes) whose pixel values are class ids.',
    ),
});

export type ClassShare = z.infer<typeof classShare>;
