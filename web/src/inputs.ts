import { byId } from './dom.js';

/**
 * Calls `use` with each image the user gives: picked with the file input (keyboard accessible),
 * dropped on the drop zone, or pasted anywhere on the page while the image section is shown.
 */
export function onImage(use: (file: File) => void): void {
  byId<HTMLInputElement>('file').addEventListener('change', (e) => {
    const file = (e.target as HTMLInputElement).files?.[0];
    if (file) use(file);
  });
  const zone = byId('drop-zone');
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) use(file);
  });
  document.addEventListener('paste', (e) => {
    const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
    if (file && !byId('image-input').hidden) use(file);
  });
}
