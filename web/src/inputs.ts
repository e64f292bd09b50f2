import { byId, onDrop } from './dom.js';

/**
 * Calls `use` with each image the user gives: picked with the file input (keyboard accessible),
 * dropped on the drop zone, or pasted anywhere on the page while the image section is shown.
 */
export function onImage(use: (file: File) => void): void {
  byId<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) use(file);
  });
  onDrop(byId('drop-zone'), ([file]) => {
    if (file) use(file);
  });
  document.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file && !byId('image-input').hidden) use(file);
  });
}
