/**
 * The result panel of /AddJob: a job's result drawn as the playground draws a /process answer,
 * with the playground's own modules (boxes, masks, skeletons, bars, the semantic overlay, the
 * before/after of image-to-image rockets, the table of tabular predictions), and the same sliders
 * re-filtering it in the browser.
 */
import type { PlaygroundView, ProcessReply } from './api.js';
import { byId } from './dom.js';
import { drawDetections } from './draw.js';
import { type AnyDetection, filterDetections, type Prediction, topPredictions } from './filter.js';
import { showSemantic } from './semantic.js';
import { renderDetectionList, renderPredictions, renderTable, showBeforeAfter } from './views.js';

/** What the panel shows: the server's detections or predictions, and what the sliders keep. */
export interface ShownResult {
  detections: AnyDetection[];
  visible: AnyDetection[];
  predictions: Prediction[];
  shown: Prediction[];
  rows: Record<string, unknown>[];
}

export const shownResult: ShownResult = { detections: [], visible: [], predictions: [], shown: [], rows: [] };
let image: ImageBitmap | undefined;

const slider = (id: string) => byId<HTMLInputElement>(id);

/** Applies the sliders to the result shown, without another request; returns a line for the status. */
export function refilterResult(view: PlaygroundView): string {
  for (const id of ['confidence', 'iou', 'topk']) byId(`${id}-value`).textContent = slider(id).value;
  const confidence = Number(slider('confidence').value);
  if (view.panels.includes('detect-view') && image) {
    shownResult.visible = filterDetections(shownResult.detections, {
      confidence,
      iou: Number(slider('iou').value),
    });
    drawDetections(byId<HTMLCanvasElement>('canvas'), image, shownResult.visible, view.skeleton);
    renderDetectionList(shownResult.visible);
    return `${shownResult.visible.length} of ${shownResult.detections.length} detections shown`;
  }
  if (view.panels.includes('classify-view') && shownResult.predictions.length) {
    shownResult.shown = topPredictions(shownResult.predictions, Number(slider('topk').value), confidence);
    renderPredictions(shownResult.shown);
    return `Top ${shownResult.shown.length} of ${shownResult.predictions.length} predictions`;
  }
  return '';
}

/** Shows a job's result, made from `file`; returns a line for the status. */
export async function showJobResult(reply: ProcessReply, file: File, view: PlaygroundView): Promise<string> {
  byId('result').hidden = false;
  if (reply.kind === 'image') {
    await showBeforeAfter(file, reply.blob);
    return 'Before and after';
  }
  if (view.panels.includes('tabular-view')) {
    shownResult.rows = (reply.body.predictions as Record<string, unknown>[] | undefined) ?? [];
    renderTable(byId<HTMLTableElement>('tabular-results'), shownResult.rows);
    return `${shownResult.rows.length} prediction${shownResult.rows.length === 1 ? '' : 's'}`;
  }
  image = await createImageBitmap(file);
  if (view.panels.includes('semantic-view')) return showSemantic(image, reply.body, view.palette);
  shownResult.detections = (reply.body.detections as AnyDetection[] | undefined) ?? [];
  shownResult.predictions = (reply.body.predictions as Prediction[] | undefined) ?? [];
  return refilterResult(view);
}
