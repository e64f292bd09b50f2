import { Worker } from 'node:worker_threads';

/** Runs `code` (CommonJS) in a fresh worker thread and resolves with the first message it posts. */
export function firstMessage<T>(code: string, workerData: unknown): Promise<T> {
  const worker = new Worker(code, { eval: true, workerData });
  return new Promise((resolve, reject) => {
    worker.once('message', (m: T) => {
      void worker.terminate();
      resolve(m);
    });
    worker.once('error', reject);
  });
}
