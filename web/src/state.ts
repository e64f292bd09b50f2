import type { Detection, Prediction } from './filter.js';

/**
 * What the page knows and shows, exposed as `window.__rocket` so tests (and curious people) can
 * read it: the detections the server sent, the ones the sliders let through, and how many
 * /process requests the page has made.
 */
export interface PageState {
  status: 'starting' | 'ready' | 'busy' | 'done' | 'error' | 'needs-key';
  task?: string;
  rocket?: string;
  /** POST /process requests made so far. */
  requests: number;
  /** Everything the server returned at the request thresholds. */
  detections: Detection[];
  /** What the confidence and IoU sliders keep (what the canvas shows). */
  visible: Detection[];
  predictions: Prediction[];
  /** What the top-k and confidence sliders keep. */
  shown: Prediction[];
  /** Tabular predictions, one per row sent. */
  rows: Record<string, unknown>[];
  error?: string;
}

declare global {
  interface Window {
    __rocket: PageState;
  }
}

/** The page's state, also at `window.__rocket`. */
export const state: PageState = {
  status: 'starting',
  requests: 0,
  detections: [],
  visible: [],
  predictions: [],
  shown: [],
  rows: [],
};
window.__rocket = state;
