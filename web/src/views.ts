import type { LoadedHealth, PlaygroundView } from './api.js';
import { classColour } from './colours.js';
import { byId, el } from './dom.js';
import type { AnyDetection, Prediction } from './filter.js';
import { isOriented } from './rotated.js';
import { isSeen } from './skeleton.js';
import { formatMs } from './timing.js';

/** Where a detection is and what else it has, in words: its box, and its mask area or keypoints seen. */
function describe(d: AnyDetection): string {
  const found = `${d.label} ${(d.confidence * 100).toFixed(1)}%`;
  if (isOriented(d)) {
    const { cx, cy, w, h, angle } = d.box;
    return `${found} at (${cx}, ${cy}), ${w}×${h} turned ${((angle * 180) / Math.PI).toFixed(1)}°`;
  }
  const { x1, y1, x2, y2 } = d.box;
  const parts = [`${found} at (${x1}, ${y1})–(${x2}, ${y2})`];
  if (d.area !== undefined) parts.push(`mask of ${d.area} px`);
  // Scored keypoints are a pose's; a face detector's landmarks have no score and need no count.
  const keypoints = d.keypoints ?? [];
  if (keypoints.some((k) => k.score !== undefined)) {
    parts.push(`${keypoints.filter(isSeen).length} of ${keypoints.length} keypoints seen`);
  }
  return parts.join(', ');
}

/** The list under the canvas (what a screen reader reads) and the canvas's own label. */
export function renderDetectionList(detections: readonly AnyDetection[]): void {
  const list = byId<HTMLUListElement>('detections');
  list.replaceChildren(
    ...detections.map((d) => {
      const item = el('li', { 'data-class': String(d.class) });
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = classColour(d.class).fill;
      item.append(swatch, describe(d));
      return item;
    }),
  );
  const canvas = byId<HTMLCanvasElement>('canvas');
  canvas.dataset.boxes = String(detections.length);
  canvas.setAttribute(
    'aria-label',
    detections.length === 0
      ? 'The image, with no detections at these thresholds'
      : `The image with ${detections.length} detection${detections.length === 1 ? '' : 's'}: ${detections.map((d) => d.label).join(', ')}`,
  );
}

/** Top-k predictions as labelled bars. */
export function renderPredictions(predictions: readonly Prediction[]): void {
  const list = byId<HTMLOListElement>('classify-view');
  list.dataset.predictions = String(predictions.length);
  list.replaceChildren(
    ...predictions.map((p) => {
      const item = el('li');
      const percent = (p.confidence * 100).toFixed(1);
      const label = el('span', { class: 'bar-label' }, `${p.label}`);
      const bar = el('span', { class: 'bar', role: 'meter', 'aria-valuemin': '0', 'aria-valuemax': '100' });
      bar.setAttribute('aria-valuenow', percent);
      bar.setAttribute('aria-label', `${p.label}: ${percent}%`);
      const fill = el('span', { class: 'bar-fill' });
      fill.style.width = `${Math.max(0.5, p.confidence * 100)}%`;
      fill.style.background = classColour(p.class).fill;
      bar.append(fill);
      item.append(label, bar, el('span', { class: 'bar-value' }, `${percent}%`));
      return item;
    }),
  );
}

/** The timing panel. */
export function renderTiming(rows: readonly [string, number][]): void {
  byId('timing').replaceChildren(
    ...rows.map(([label, ms]) => {
      const row = el('div');
      row.append(el('dt', {}, label), el('dd', {}, formatMs(ms)));
      return row;
    }),
  );
}

/**
 * The rocket panel (name, task, device and execution provider from /health), and the page marked
 * with the rocket's task (`body[data-task]`).
 */
export function renderInfo(health: LoadedHealth): void {
  const { name, version, task } = health.rocket;
  byId('info-name').textContent = `${name} ${version}`;
  byId('info-task').textContent = task;
  byId('info-device').textContent = health.device ?? '?';
  byId('info-provider').textContent = health.executionProvider ?? '?';
  document.body.dataset.task = task;
}

/** Starts the sliders at the rocket's thresholds, reaching down to what the request asks for. */
export function setSliders(view: PlaygroundView): void {
  if (Number(view.query.confidence) < 0.05) byId<HTMLInputElement>('confidence').min = '0';
  for (const id of ['confidence', 'iou', 'topk'] as const)
    byId<HTMLInputElement>(id).value = String(view.thresholds[id]);
}

/** A table of rows of values (tabular predictions). */
export function renderTable(table: HTMLTableElement, rows: readonly Record<string, unknown>[]): void {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = el('tr');
  head.append(el('th', { scope: 'col' }, '#'), ...columns.map((c) => el('th', { scope: 'col' }, c)));
  const body = rows.map((r, i) => {
    const tr = el('tr');
    const cell = (v: unknown) =>
      Array.isArray(v)
        ? v.map((x) => (typeof x === 'number' ? x.toFixed(4) : String(x))).join(', ')
        : String(v ?? '');
    tr.append(el('th', { scope: 'row' }, String(i + 1)), ...columns.map((c) => el('td', {}, cell(r[c]))));
    return tr;
  });
  table.replaceChildren(el('thead'), el('tbody'));
  table.tHead?.append(head);
  table.tBodies[0]?.append(...body);
}

/**
 * Shows what was sent beside what came back, with a link to download the output; resolves once both
 * images are decoded, so "done" is said only when the user can see them.
 */
export async function showBeforeAfter(sent: Blob, output: Blob): Promise<void> {
  const before = byId<HTMLImageElement>('before');
  const after = byId<HTMLImageElement>('after');
  URL.revokeObjectURL(before.src);
  URL.revokeObjectURL(after.src);
  before.src = URL.createObjectURL(sent);
  after.src = URL.createObjectURL(output);
  const link = el('a', { class: 'button', href: after.src }, 'Download the output');
  link.download = `output.${output.type.split('/')[1] ?? 'png'}`;
  byId('download-slot').replaceChildren(link);
  await Promise.all([before.decode(), after.decode()]);
}
