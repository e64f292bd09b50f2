import { getView, NO_VIEW, type PlaygroundView, postProcess, waitForRocket } from './api.js';
import { byId, pagePanels, showOnly } from './dom.js';
import { drawDetections } from './draw.js';
import { type AnyDetection, filterDetections, type Prediction, topPredictions } from './filter.js';
import { createGuard } from './guard.js';
import { onImage } from './inputs.js';
import { showSemantic, wireSemantic } from './semantic.js';
import { state } from './state.js';
import { setUpTabular } from './tabular.js';
import { timingRows } from './timing.js';
import {
  renderDetectionList,
  renderInfo,
  renderPredictions,
  renderTiming,
  setSliders,
  showBeforeAfter,
} from './views.js';

const PANELS = pagePanels();
/** What the page shows for this rocket, from GET /playground.json. */
let view: PlaygroundView = NO_VIEW;
const shows = (panel: string) => view.panels.includes(panel);

const slider = (id: string) => byId<HTMLInputElement>(id);
let image: ImageBitmap | undefined;

function report(message: string): void {
  byId('status').textContent = message;
}

/** Runs what calls the server: a 401 asks for the API key and retries, other errors are reported. */
const guarded = createGuard({ state, report });

/** Applies the sliders to what the server returned, without another request. */
function refilter(): void {
  for (const id of ['confidence', 'iou', 'topk']) byId(`${id}-value`).textContent = slider(id).value;
  const confidence = Number(slider('confidence').value);
  if (shows('detect-view') && image) {
    state.visible = filterDetections(state.detections, { confidence, iou: Number(slider('iou').value) });
    drawDetections(byId<HTMLCanvasElement>('canvas'), image, state.visible, view.skeleton);
    renderDetectionList(state.visible);
    report(`${state.visible.length} of ${state.detections.length} detections shown`);
  } else if (shows('classify-view') && state.predictions.length) {
    state.shown = topPredictions(state.predictions, Number(slider('topk').value), confidence);
    renderPredictions(state.shown);
    report(`Top ${state.shown.length} of ${state.predictions.length} predictions`);
  }
}

/** Sends an image to /process at low thresholds and shows the result for the task. */
function run(file: Blob): Promise<void> {
  return guarded(async () => {
    if (!file.type.startsWith('image/')) throw new Error(`${file.type || 'That file'} is not an image`);
    state.status = 'busy';
    report('Running the rocket…');
    image = await createImageBitmap(file);
    state.requests++;
    const reply = await postProcess(file, view.query, view.accept);
    if (reply.kind === 'image') {
      await showBeforeAfter(file, reply.blob);
      renderTiming(timingRows(reply.serverTiming, reply.roundTripMs));
      report('Done: before and after');
    } else if (shows('semantic-view')) {
      renderTiming(timingRows((reply.body.timing as Record<string, unknown>) ?? {}, reply.roundTripMs));
      report(await showSemantic(image, reply.body, view.palette));
    } else {
      state.detections = (reply.body.detections as AnyDetection[] | undefined) ?? [];
      state.predictions = (reply.body.predictions as Prediction[] | undefined) ?? [];
      renderTiming(timingRows((reply.body.timing as Record<string, unknown>) ?? {}, reply.roundTripMs));
      refilter();
    }
    state.status = 'done';
  });
}

function wireInputs(): void {
  onImage((file) => void run(file));
  for (const id of ['confidence', 'iou', 'topk']) slider(id).addEventListener('input', refilter);
  wireSemantic(report);
}

/** Waits for /health, shows the rocket, and sets the page up for its task. */
async function start(): Promise<void> {
  wireInputs();
  const health = await waitForRocket(report);
  if (!health) return;
  const { name, task } = health.rocket;
  state.task = task;
  state.rocket = name;
  renderInfo(health);
  await guarded(async () => {
    view = await getView();
  });
  showOnly(PANELS, view.panels);
  setSliders(view);
  refilter();
  state.status = 'ready';
  if (shows('tabular-view')) return guarded(() => setUpTabular(name, report, guarded));
  report(
    shows('image-input')
      ? 'Drop, paste or choose an image.'
      : `This page does not show ${task} rockets yet; see the API docs.`,
  );
}

void start();
