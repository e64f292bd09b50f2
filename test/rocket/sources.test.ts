import { describe, expect, it } from 'vitest';
import { entryName } from '../../src/rocket/cache.js';
import { DEFAULT_SOURCES } from '../../src/rocket/resolve.js';
import { parseBucketUrl } from '../../src/rocket/sources/bucket.js';
import { modelFileName, splitChecksum } from '../../src/rocket/sources/download.js';
import { huggingFaceUrl } from '../../src/rocket/sources/hf.js';
import { formatProgress, terminalProgress } from '../../src/rocket/sources/progress.js';
import { s3Endpoint } from '../../src/rocket/sources/s3.js';
import { cacheContext } from './fakes.js';

const digest = 'a'.repeat(64);

describe('remote URL forms', () => {
  it('splits a #sha256= fragment off and lower-cases it', () => {
    expect(splitChecksum(`https://h/m.onnx#sha256=${digest.toUpperCase()}`)).toEqual({
      base: 'https://h/m.onnx',
      sha256: digest,
    });
    expect(splitChecksum('https://h/m.onnx')).toEqual({ base: 'https://h/m.onnx' });
    expect(() => splitChecksum('https://h/m.onnx#sha256=xyz')).toThrow(/64 hex digits/);
  });

  it('names a downloaded model after the URL when it ends in .onnx', () => {
    expect(modelFileName('https://h/a/yolov8n.onnx?token=1')).toBe('yolov8n.onnx');
    expect(modelFileName('hf://o/r/dir/m%2D1.onnx@v2')).toBe('m-1.onnx');
    expect(modelFileName('https://h/download?id=3')).toBe('model.onnx');
    expect(modelFileName('https://h/../../etc.onnx/x')).toBe('model.onnx');
  });

  it('maps hf:// to {HF_ENDPOINT}/{repo}/resolve/{revision}/{path}', () => {
    expect(huggingFaceUrl('hf://onnx/yolo/models/v8/n.onnx@refs-pr-1', {})).toBe(
      'https://huggingface.co/onnx/yolo/resolve/refs-pr-1/models/v8/n.onnx',
    );
    expect(huggingFaceUrl('hf://onnx/yolo/n.onnx', { HF_ENDPOINT: 'http://127.0.0.1:9/' })).toBe(
      'http://127.0.0.1:9/onnx/yolo/resolve/main/n.onnx',
    );
    for (const bad of ['hf://onnx/yolo', 'hf://onnx', 'hf:///x/y/z.onnx'])
      expect(() => huggingFaceUrl(bad, {}), bad).toThrow(/hf:\/\/owner\/repo/);
  });

  it('splits gs:// and s3:// URLs into bucket and key', () => {
    expect(parseBucketUrl('gs://b/k/m.onnx', 'gs')).toEqual({ bucket: 'b', key: 'k/m.onnx' });
    expect(() => parseBucketUrl('s3://bucket-only', 's3')).toThrow(/bucket and an object/);
    expect(() => parseBucketUrl('s3://b/', 's3')).toThrow(/bucket and an object/);
  });

  it('takes the S3 endpoint from AWS_ENDPOINT_URL_S3, then AWS_ENDPOINT_URL', () => {
    expect(s3Endpoint({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_S3: 'http://b' })).toBe('http://b');
    expect(s3Endpoint({ AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(s3Endpoint({})).toBeUndefined();
  });

  it.each([
    ['https://h/m.onnx', 'https download'],
    ['http://h/rocket.tar.gz', 'https download'],
    ['gs://b/m.onnx', 'Cloud Storage'],
    ['s3://b/m.onnx', 'S3'],
    ['hf://o/r/m.onnx', 'Hugging Face'],
    ['lucas/yolov3', 'registry'],
    ['lucas/yolov3@2', 'registry'],
    ['ftp://h/m.onnx', 'remote URL'],
    ['models/yolov8n.onnx', 'local path'],
    ['/abs/model.onnx', 'local path'],
    ['file:///abs/model.onnx', 'local path'],
  ])('%s goes to the %s source', (url, name) => {
    const ctx = cacheContext();
    expect(DEFAULT_SOURCES.find((s) => s.matches(url, ctx))?.name).toBe(name);
  });
});

describe('cache entry names', () => {
  it('are stable, distinct per key, and safe as one path segment', () => {
    const a = entryName('https://h:8080/a/b/yolov8n.onnx');
    expect(entryName('https://h:8080/a/b/yolov8n.onnx')).toBe(a);
    expect(entryName(`https://h:8080/a/b/yolov8n.onnx#sha256=${digest}`)).not.toBe(a);
    expect(a).toMatch(/^[\w.-]+$/);
    expect(a).toContain('yolov8n.onnx');
    expect(entryName('s3://b/../../x')).toMatch(/^[\w.-]+$/);
  });
});

describe('download progress', () => {
  const fakeStream = (isTTY: boolean) => {
    const writes: string[] = [];
    return { isTTY, columns: 200, writes, write: (t: string) => writes.push(t) };
  };

  it('draws one line on a terminal, redrawn per percent, ended with a newline', () => {
    const stream = fakeStream(true);
    const report = terminalProgress(stream);
    const total = 1000 * 1024;
    for (let received = 0; received <= total; received += 512)
      report({ url: 'u', received, total, done: false });
    report({ url: 'u', received: total, total, done: true });
    expect(stream.writes.length).toBe(102);
    expect(stream.writes.every((w) => w.startsWith('\r'))).toBe(true);
    expect(stream.writes.at(-1)).toBe(
      `\r${formatProgress({ url: 'u', received: total, total, done: true })}\x1b[K\n`,
    );
    expect(stream.writes.at(-1)).toContain('100%');
  });

  it('stays quiet when the output is not a terminal', () => {
    const stream = fakeStream(false);
    const report = terminalProgress(stream);
    report({ url: 'u', received: 10, total: 100, done: false });
    report({ url: 'u', received: 100, total: 100, done: true });
    expect(stream.writes).toEqual([]);
  });

  it('formats sizes in MB, with a percentage when the total is known', () => {
    expect(
      formatProgress({ url: 'x', received: 3 * 1024 * 1024, total: 12 * 1024 * 1024, done: false }),
    ).toBe('Downloading x  3.0 / 12.0 MB  25%');
    expect(formatProgress({ url: 'x', received: 1024 * 1024, done: false })).toBe('Downloading x  1.0 MB');
  });
});
