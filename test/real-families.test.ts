import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { RocketApp } from '../src/app.js';
import { loadConfig } from '../src/config/load.js';
import { rgbToYcbcr } from '../src/image/ycbcr.js';
import { createLogger } from '../src/log.js';
import { json, multipart, postImage } from './helpers/http.js';
import { decodeTensor } from './helpers/onnx-tensor.js';
import { startServer, useServer } from './helpers/server.js';
import { hasShared, noteIfNoShared, shared } from './helpers/shared.js';
import { encodeBmp } from './image/bmp-encode.js';

noteIfNoShared('the real-model family tests (MNIST, super-resolution, iris, treecl)');

describe.skipIf(!hasShared)('MNIST (mnist-8.onnx)', () => {
  const model = shared('models', 'mnist', 'mnist-8.onnx');

  it('gives the official test sets argmax 2, 0, 9 with logits within 1e-3', async () => {
    const app = new RocketApp(loadConfig({ env: { ROCKET_URL: model } }), createLogger('error'));
    await app.ready;
    try {
      const argmaxes: number[] = [];
      for (const set of [0, 1, 2]) {
        const input = decodeTensor(
          readFileSync(shared('models', 'mnist', `test_data_set_${set}`, 'input_0.pb')),
        );
        const expected = decodeTensor(
          readFileSync(shared('models', 'mnist', `test_data_set_${set}`, 'output_0.pb')),
        );
        const outputs = await app
          .pipeline()
          .runTensors({ Input3: { type: 'float32', dims: input.dims, data: input.data as Float32Array } }, [
            'Plus214_Output_0',
          ]);
        const logits = Array.from(outputs.Plus214_Output_0?.data as Float32Array);
        for (const [i, v] of Array.from(expected.data as Float32Array).entries()) {
          expect(Math.abs((logits[i] as number) - v)).toBeLessThan(1e-3);
        }
        argmaxes.push(logits.indexOf(Math.max(...logits)));
      }
      expect(argmaxes).toEqual([2, 0, 9]);
    } finally {
      await app.close();
    }
  });

  describe('through the MNIST app route POST /classify (field image)', () => {
    const server = useServer('npm start server', { ROCKET_URL: model });

    const classify = async (data: Buffer, filename: string) => {
      const { body, contentType } = multipart([
        { name: 'image', filename, data, type: 'application/octet-stream' },
      ]);
      return json(
        await fetch(`${server().url}/classify`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        }),
      );
    };

    it.each([0, 3, 5, 7])('wonnx_%i.jpg → {"class":"%i"}', async (digit) => {
      expect(
        await classify(readFileSync(shared('models', 'mnist', 'digits', `wonnx_${digit}.jpg`)), 'digit.jpg'),
      ).toEqual({
        class: String(digit),
      });
    });

    it('takes the digit as a BMP, as the existing client posts 8.bmp', async () => {
      const jpg = readFileSync(shared('models', 'mnist', 'digits', 'wonnx_7.jpg'));
      const { data, info } = await sharp(jpg)
        .removeAlpha()
        .toColourspace('srgb')
        .raw()
        .toBuffer({ resolveWithObject: true });
      const bmp = encodeBmp({ width: info.width, height: info.height, rgb: data });
      expect(await classify(bmp, '7.bmp')).toEqual({ class: '7' });
    });
  });
});

describe.skipIf(!hasShared)('super-resolution (Y channel, ×3)', () => {
  const server = useServer('npm start server', {
    ROCKET_URL: shared('models', 'image2image', 'super_resolution.onnx'),
  });

  it('returns a 672×672 image whose Y channel has PSNR ≥ 41 dB against the published output', async () => {
    const res = await postImage(
      server().url,
      readFileSync(shared('models', 'image2image', 'cat_224x224.jpg')),
    );
    expect(res.headers.get('content-type')).toBe('image/png');
    const ours = await sharp(Buffer.from(await res.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([ours.info.width, ours.info.height]).toEqual([672, 672]);
    const ref = await sharp(readFileSync(shared('models', 'image2image', 'cat_superres_with_ort.jpg')))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const pixels = 672 * 672;
    const a = rgbToYcbcr(ours.data, pixels).y;
    const b = rgbToYcbcr(ref.data, pixels).y;
    let mse = 0;
    for (let i = 0; i < pixels; i++) mse += ((a[i] as number) - (b[i] as number)) ** 2;
    const psnr = 10 * Math.log10((255 * 255) / (mse / pixels));
    expect(psnr).toBeGreaterThanOrEqual(41);
  });
});

describe.skipIf(!hasShared)('scikit-learn iris classifiers with iris.csv uploaded', () => {
  const csv = hasShared ? readFileSync(shared('models', 'tabular', 'iris.csv'), 'utf8') : '';
  const truth = csv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => Number(line.split(',')[4]));

  it.each([
    ['logreg_iris.onnx', 0.98],
    ['rf_iris.onnx', 0.9933],
  ])('%s → accuracy %f (ZipMap output left out)', async (name, accuracy) => {
    const server = await startServer('npm start server', { ROCKET_URL: shared('models', 'tabular', name) });
    try {
      const { body, contentType } = multipart([
        { name: 'input', filename: 'iris.csv', type: 'text/csv', data: csv },
      ]);
      const res = await json(
        await fetch(`${server.url}/process`, {
          method: 'POST',
          headers: { 'content-type': contentType },
          body,
        }),
      );
      expect(res.predictions).toHaveLength(150);
      const correct = res.predictions.filter(
        (p: { class: number }, i: number) => p.class === truth[i],
      ).length;
      expect(correct / 150).toBeCloseTo(accuracy, 4);
    } finally {
      await server.stop();
    }
  });

  it('treecl.onnx on linspace(-2, 2, 60) as [3, 20] → labels [2, 2, 0]', async () => {
    const server = await startServer('npm start server', {
      ROCKET_URL: shared('models', 'tabular', 'treecl.onnx'),
    });
    try {
      const values = Array.from({ length: 60 }, (_, i) => -2 + (4 * i) / 59);
      const inputs = [0, 1, 2].map((r) => values.slice(r * 20, r * 20 + 20));
      const res = await json(
        await fetch(`${server.url}/process`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs }),
        }),
      );
      expect(res.predictions.map((p: { class: number }) => p.class)).toEqual([2, 2, 0]);
      expect(res.predictions[0].probabilities).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });
});
