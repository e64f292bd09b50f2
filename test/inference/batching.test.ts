import { describe, expect, it } from 'vitest';
import {
  type BatchPolicy,
  groupSize,
  leadingImages,
  nextBatch,
  type QueuedJob,
} from '../../src/inference/batching.js';

const image = (queuedAt = 0, group?: number): QueuedJob => ({
  kind: 'image',
  queuedAt,
  ...(group ? { group } : {}),
});
const tensors = (queuedAt = 0): QueuedJob => ({ kind: 'tensors', queuedAt });
const images = (n: number, queuedAt = 0) => Array.from({ length: n }, () => image(queuedAt));

const policy = (batchMax: number, batchWaitMs = 0): BatchPolicy => ({ batchMax, batchWaitMs });

describe('leadingImages', () => {
  it('counts the ungrouped image jobs at the head of the queue, up to max', () => {
    expect(leadingImages([], 4)).toBe(0);
    expect(leadingImages(images(3), 4)).toBe(3);
    expect(leadingImages(images(6), 4)).toBe(4);
    expect(leadingImages([image(), image(), tensors(), image()], 8)).toBe(2);
    expect(leadingImages([image(), image(0, 7), image()], 8)).toBe(1);
    expect(leadingImages([tensors(), image()], 8)).toBe(0);
  });
});

describe('groupSize', () => {
  it('counts the jobs of one group standing together at the head of the queue', () => {
    expect(groupSize([image(0, 3), image(0, 3), image(0, 3), image()], 3)).toBe(3);
    expect(groupSize([image(0, 3), image(0, 4), image(0, 3)], 3)).toBe(1);
    expect(groupSize([image(), image(0, 3)], 3)).toBe(0);
  });
});

describe('nextBatch', () => {
  it('is idle on an empty queue', () => {
    expect(nextBatch([], policy(4, 50), 0)).toEqual({ action: 'idle' });
  });

  it('runs a tensor job at the head alone, even with images behind it', () => {
    expect(nextBatch([tensors(), image(), image()], policy(4), 0)).toEqual({ action: 'tensors' });
  });

  it('without micro-batching (batchMax 1) runs one image at a time, never waiting', () => {
    expect(nextBatch(images(3), policy(1, 50), 0)).toEqual({ action: 'batch', size: 1 });
    expect(nextBatch(images(1), policy(1, 50), 0)).toEqual({ action: 'batch', size: 1 });
  });

  it('takes up to batchMax images, stopping at a tensor job or a group', () => {
    expect(nextBatch(images(6), policy(4, 50), 0)).toEqual({ action: 'batch', size: 4 });
    expect(nextBatch([...images(2), tensors()], policy(4, 50), 0)).toEqual({ action: 'batch', size: 2 });
    expect(nextBatch([...images(3), image(0, 9)], policy(4, 50), 0)).toEqual({ action: 'batch', size: 3 });
  });

  it('lets a partial batch that is the whole queue wait for the rest of batchWaitMs', () => {
    expect(nextBatch(images(2, 100), policy(4, 50), 120)).toEqual({ action: 'wait', ms: 30 });
    expect(nextBatch(images(3, 100), policy(4, 50), 100)).toEqual({ action: 'wait', ms: 50 });
  });

  it('waits from the oldest job, not the newest', () => {
    expect(nextBatch([image(100), image(140)], policy(4, 50), 145)).toEqual({ action: 'wait', ms: 5 });
  });

  it('runs a partial batch once the oldest job has waited batchWaitMs', () => {
    expect(nextBatch(images(2, 100), policy(4, 50), 150)).toEqual({ action: 'batch', size: 2 });
    expect(nextBatch(images(2, 100), policy(4, 50), 400)).toEqual({ action: 'batch', size: 2 });
  });

  it('never waits with batchWaitMs 0, a full batch, or other jobs queued behind the images', () => {
    expect(nextBatch(images(2), policy(4, 0), 0)).toEqual({ action: 'batch', size: 2 });
    expect(nextBatch(images(4), policy(4, 50), 0)).toEqual({ action: 'batch', size: 4 });
    expect(nextBatch([...images(2), tensors()], policy(4, 50), 0)).toEqual({ action: 'batch', size: 2 });
    expect(nextBatch([...images(2), image(0, 5)], policy(4, 50), 0)).toEqual({ action: 'batch', size: 2 });
  });

  it('runs a request group whole, past batchMax, and never makes it wait', () => {
    const group = [image(0, 7), image(0, 7), image(0, 7), image(0, 7), image(0, 7), image(0, 7)];
    expect(nextBatch(group, policy(4, 50), 0)).toEqual({ action: 'batch', size: 6 });
    expect(nextBatch(group.slice(0, 2), policy(4, 50), 0)).toEqual({ action: 'batch', size: 2 });
    expect(nextBatch([...group.slice(0, 2), image(), image(0, 8)], policy(1), 0)).toEqual({
      action: 'batch',
      size: 2,
    });
  });

  it('is FIFO: a group behind ungrouped images waits its turn', () => {
    expect(nextBatch([image(), image(0, 2), image(0, 2)], policy(4, 50), 0)).toEqual({
      action: 'batch',
      size: 1,
    });
  });
});
