/** Small DOM helpers. */

/** The element with this id; throws when the page lacks it (a bug in index.html). */
export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`The page has no #${id}`);
  return el as T;
}

/** Creates an element with text and attributes. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Ids of the page's panels (the elements with `data-panel`): the rocket's task family says which are shown. */
export const pagePanels = (): string[] =>
  [...document.querySelectorAll<HTMLElement>('[data-panel]')].map((e) => e.id);

/** Shows the elements whose ids are listed and hides the others of `all`. */
export function showOnly(all: readonly string[], shown: readonly string[]): void {
  for (const id of all) byId(id).hidden = !shown.includes(id);
}

/** Calls `use` with the files dropped on `zone` (when there are any), marking it while they hover. */
export function onDrop(zone: HTMLElement, use: (files: File[]) => void): void {
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const files = [...(e.dataTransfer?.files ?? [])];
    if (files.length) use(files);
  });
}
