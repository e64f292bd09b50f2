/**
 * A relative name that stays inside the folder it is joined to: '/'-separated, without empty,
 * `.` or `..` segments (`../../etc/x.jpg` → `etc/x.jpg`).
 */
export function safeName(name: string): string {
  return name
    .split('/')
    .filter((s) => s !== '' && s !== '.' && s !== '..')
    .join('/');
}

/**
 * The name outputs of a listed URI are written under: the URI without its scheme, query or
 * fragment (`gs://bucket/a/b.jpg` → `bucket/a/b.jpg`, `/data/x.png` → `data/x.png`).
 */
export function nameOfUri(uri: string): string {
  const bare = uri.replace(/^[a-z][a-z\d+.-]*:\/\//i, '').replace(/[?#].*$/, '');
  return safeName(bare);
}
