import { RocketError } from '../../errors.js';
import { redactUrl } from '../redact.js';
import type { Download } from './download.js';
import { openHttp } from './http.js';

/**
 * Where `hf://owner/repo/path/to/model.onnx[@revision]` is downloaded from:
 * `{HF_ENDPOINT}/{owner}/{repo}/resolve/{revision}/{path}`, with `HF_ENDPOINT` defaulting to
 * https://huggingface.co and the revision to `main`.
 */
export function huggingFaceUrl(url: string, env: NodeJS.ProcessEnv = process.env): string {
  const match = /^hf:\/\/([^/@#?]+)\/([^/@#?]+)\/([^@#?]+?)(?:@([^/@#?]+))?$/i.exec(url);
  if (!match) {
    throw new RocketError(
      'ROCKET_URL_INVALID',
      `ROCKET_URL "${redactUrl(url)}" must look like hf://owner/repo/path/to/model.onnx[@revision]`,
    );
  }
  const [, owner, repo, path, revision] = match as unknown as [string, string, string, string, string?];
  const endpoint = (env.HF_ENDPOINT?.trim() || 'https://huggingface.co').replace(/\/+$/, '');
  const filePath = path.split('/').map(encodeURIComponent).join('/');
  return `${endpoint}/${owner}/${repo}/resolve/${encodeURIComponent(revision ?? 'main')}/${filePath}`;
}

/** Opens an hf:// URL over https, sending `HF_TOKEN` as a bearer token when it is set. */
export function openHuggingFace(url: string): Promise<Download> {
  const token = process.env.HF_TOKEN?.trim();
  const resolved = huggingFaceUrl(url);
  const shown = `${redactUrl(url)} (${redactUrl(resolved)})`;
  return openHttp(resolved, token ? { authorization: `Bearer ${token}` } : {}, shown);
}
