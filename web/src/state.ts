import type { AnyDetection, Prediction } from './filter.js';
import type { SemanticClass } from './semantic.js';

/**
 * What the page knows and shows, exposed as `window.__rocket` so tests (and curious people) can
 * read it: what the server sent (detections, predictions, semantic classes), what the controls let
 * through, and how many /process requests the page has made.
 */
export interface PageState {
  status: 'starting' | 'ready' | 'busy' | 'done' | 'error' | 'needs-key';
  task?: string;
  rocket?: string;
  /** POST /process requests made so far. */
  requests: number;
  /** Everything the server returned at the request thresholds. */
  detections: AnyDetection[];
  /** What the confidence and IoU sliders keep (what the canvas shows). */
  visible: AnyDetection[];
  predictions: Prediction[];
  /** What the top-k and confidence sliders keep. */
  shown: Prediction[];
  /** Semantic: the classes in the image, with their shares, largest first. */
  classes: SemanticClass[];
  /** Semantic: the ids of the classes the overlay shows (the legend and fraction slider decide). */
  overlaid: number[];
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
  classes: [],
  overlaid: [],
  rows: [],
};
window.__rocket = state;
