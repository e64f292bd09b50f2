import { parseBucketUrl } from './bucket.js';
import { cachedSource } from './cached.js';
import { openGs } from './gs.js';
import { huggingFaceUrl, openHuggingFace } from './hf.js';
import { checkHttpUrl, openHttp } from './http.js';
import { openS3 } from './s3.js';
import type { RocketSource } from './source.js';

/** `https://…` and `http://…`: a .onnx file or a rocket.tar.gz. */
export const httpSource: RocketSource = cachedSource('https download', /^https?:\/\//i, (url) => {
  checkHttpUrl(url);
  return () => openHttp(url);
});

/** `gs://bucket/path` through @google-cloud/storage (honours STORAGE_EMULATOR_HOST). */
export const gsSource: RocketSource = cachedSource('Cloud Storage', /^gs:\/\//i, (url) => {
  parseBucketUrl(url, 'gs');
  return () => openGs(url);
});

/** `s3://bucket/key` through @aws-sdk/client-s3 (honours AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL). */
export const s3Source: RocketSource = cachedSource('S3', /^s3:\/\//i, (url) => {
  parseBucketUrl(url, 's3');
  return () => openS3(url);
});

/** `hf://owner/repo/path.onnx[@revision]` from the Hugging Face Hub (honours HF_ENDPOINT, HF_TOKEN). */
export const huggingFaceSource: RocketSource = cachedSource('Hugging Face', /^hf:\/\//i, (url) => {
  huggingFaceUrl(url);
  return () => openHuggingFace(url);
});

export { registrySource } from './registry.js';
