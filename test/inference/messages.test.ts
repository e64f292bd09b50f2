import { MessageChannel, markAsUntransferable } from 'node:worker_threads';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { transferList } from '../../src/inference/messages.js';

/** Posts `value` with transferList's list, as the pool and the workers do; resolves with what arrives. */
function post<T>(value: T, transfer: ArrayBuffer[]): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (m: T) => {
      port1.close();
      resolve(m);
    });
    port1.postMessage(value, transfer);
  });
}

describe('transferList', () => {
  it('lists the buffers of typed arrays, nothing for other values', () => {
    const a = new Float32Array(4);
    const b = new Uint8Array(2);
    expect(transferList([a, 'x', 3, b])).toEqual([a.buffer, b.buffer]);
  });

  it('moves a plain buffer to the receiver (the sender loses it)', async () => {
    const pixels = new Uint8Array([1, 2, 3]);
    const got = await post(pixels, transferList([pixels]));
    expect([...got]).toEqual([1, 2, 3]);
    expect(pixels.byteLength).toBe(0);
  });

  // Node >= 21 throws DataCloneError for an untransferable buffer in a transfer list (Node 20 copied
  // it silently): the images run Node 24, and sharp's output buffers are marked untransferable.
  it("copies buffers that cannot be transferred: sharp's output, or one marked untransferable", async () => {
    const { data } = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#f00' } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const marked = new Uint8Array([7, 8]);
    markAsUntransferable(marked.buffer);
    const got = await post({ data, marked }, transferList([data, marked]));
    expect([...got.data]).toEqual([255, 0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0]);
    expect([...got.marked]).toEqual([7, 8]);
    expect(data.byteLength).toBe(12);
  });
});
