/**
 * The semantic view: the photo with its class map overlaid in the classes' colours, and a legend of
 * the classes with their share of the image. An opacity slider fades the overlay, a fraction slider
 * leaves out small classes, and a click on a legend row switches its class off and on; all without
 * another request.
 */
import type { z } from 'zod';
import type { ClassShare, classMapPng } from '../../src/tasks/semantic/schema.js';
import { classIds, paletteOf } from './class-map.js';
import { byId, el } from './dom.js';
import { state } from './state.js';

/** One class of a semantic result, with its share of the original image's pixels. */
export type SemanticClass = ClassShare;

/** The class map as /process returns it in JSON (`map=png`): a PNG of class ids, base64. */
type ClassMapImage = z.infer<typeof classMapPng>;

/** What the view shows: the photo, the class id of each of its pixels, and each class's colour. */
interface SemanticResult {
  image: ImageBitmap;
  ids: Uint8Array;
  /** 0xRRGGBB by class id. */
  colours: number[];
  classes: SemanticClass[];
}

let result: SemanticResult | undefined;
/** Classes switched off in the legend. */
const off = new Set<number>();

const hex = (rgb: number) => `#${rgb.toString(16).padStart(6, '0')}`;
const percent = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/** Decodes the map's PNG and reads back the class id of each pixel; also returns its palette. */
async function decodeMap(map: ClassMapImage): Promise<{ ids: Uint8Array; palette: number[] }> {
  const png = Uint8Array.from(atob(map.data), (c) => c.charCodeAt(0));
  const palette = paletteOf(png);
  if (palette.length === 0) throw new Error('The page shows class maps of up to 256 classes (palette PNGs)');
  const bitmap = await createImageBitmap(new Blob([png], { type: map.contentType }), {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  const ctx = new OffscreenCanvas(map.width, map.height).getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw the class map');
  ctx.drawImage(bitmap, 0, 0);
  return { ids: classIds(ctx.getImageData(0, 0, map.width, map.height).data, palette), palette };
}

/**
 * Shows a /process answer of a semantic rocket over the photo it was made from; returns a line for
 * the status. Class colours come from /playground.json's `palette` (the map's own where it has none).
 */
export async function showSemantic(
  image: ImageBitmap,
  body: Record<string, unknown>,
  palette: readonly string[] = [],
): Promise<string> {
  const map = body.map as ClassMapImage | undefined;
  if (!map) throw new Error('The answer has no class map');
  if (map.width !== image.width || map.height !== image.height) {
    throw new Error(`The class map is ${map.width}×${map.height}, the image ${image.width}×${image.height}`);
  }
  const decoded = await decodeMap(map);
  const classes = (body.classes as SemanticClass[] | undefined) ?? [];
  const colours = decoded.palette.map((own, id) =>
    palette[id] ? Number.parseInt(palette[id].slice(1), 16) : own,
  );
  result = { image, ids: decoded.ids, colours, classes };
  state.classes = classes;
  off.clear();
  return renderSemantic();
}

/** Redraws the overlay and the legend for the controls' settings; returns a line for the status. */
function renderSemantic(): string {
  const opacity = Number(byId<HTMLInputElement>('overlay-opacity').value);
  const minFraction = Number(byId<HTMLInputElement>('min-fraction').value);
  byId('overlay-opacity-value').textContent = percent(opacity);
  byId('min-fraction-value').textContent = percent(minFraction);
  if (!result) return '';
  const listed = result.classes.filter((c) => c.fraction >= minFraction);
  const overlaid = listed.filter((c) => !off.has(c.class)).map((c) => c.class);
  renderLegend(listed, result.colours);
  drawOverlay(byId<HTMLCanvasElement>('semantic-canvas'), result, new Set(overlaid), opacity);
  state.overlaid = overlaid;
  return `${overlaid.length} of ${result.classes.length} classes overlaid`;
}

/** Legend rows: a toggle button per listed class, with its colour, label and share. */
function renderLegend(listed: readonly SemanticClass[], colours: readonly number[]): void {
  byId('legend').replaceChildren(
    ...listed.map((c) => {
      const button = el('button', {
        type: 'button',
        'data-class': String(c.class),
        'aria-pressed': String(!off.has(c.class)),
      });
      const swatch = el('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = hex(colours[c.class] ?? 0);
      button.append(swatch, el('span', {}, c.label), el('span', { class: 'share' }, percent(c.fraction)));
      const row = el('li');
      row.append(button);
      return row;
    }),
  );
}

/** The photo with the pixels of the `shown` classes painted in their colours at `opacity`. */
function drawOverlay(
  canvas: HTMLCanvasElement,
  { image, ids, colours, classes }: SemanticResult,
  shown: ReadonlySet<number>,
  opacity: number,
): void {
  canvas.width = image.width;
  canvas.height = image.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  // RGBA by class id; hidden classes stay transparent.
  const rgba = new Uint8ClampedArray(4 * 256);
  colours.forEach((rgb, id) => {
    if (shown.has(id)) rgba.set([rgb >> 16, (rgb >> 8) & 0xff, rgb & 0xff, 255], 4 * id);
  });
  const overlay = new ImageData(image.width, image.height);
  for (let p = 0; p < ids.length; p++) {
    const from = 4 * (ids[p] ?? 0);
    for (let k = 0; k < 4; k++) overlay.data[4 * p + k] = rgba[from + k] ?? 0;
  }
  const layer = new OffscreenCanvas(image.width, image.height);
  layer.getContext('2d')?.putImageData(overlay, 0, 0);
  ctx.drawImage(image, 0, 0);
  ctx.globalAlpha = opacity;
  ctx.drawImage(layer, 0, 0);
  ctx.globalAlpha = 1;
  const labels = classes.filter((c) => shown.has(c.class)).map((c) => c.label);
  canvas.dataset.classes = String(labels.length);
  canvas.setAttribute(
    'aria-label',
    `The image with ${labels.length} class${labels.length === 1 ? '' : 'es'} overlaid: ${labels.join(', ')}`,
  );
}

/** Redraws on the sliders and on clicks in the legend, reporting the status line. */
export function wireSemantic(report: (status: string) => void): void {
  const redraw = () => {
    const status = renderSemantic();
    if (status) report(status);
  };
  for (const id of ['overlay-opacity', 'min-fraction']) byId(id).addEventListener('input', redraw);
  byId('legend').addEventListener('click', (event) => {
    const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-class]');
    if (!button) return;
    const id = Number(button.dataset.class);
    if (!off.delete(id)) off.add(id);
    redraw();
    byId('legend').querySelector<HTMLButtonElement>(`button[data-class="${id}"]`)?.focus();
  });
}
