import { get } from 'node:http';
import type { Logger } from '../log.js';

/**
 * How long the metadata server gets to answer. On Google Cloud it answers in about a millisecond;
 * off it, `metadata.google.internal` does not resolve and the lookup fails at once.
 */
const TIMEOUT_MS = 1000;

/** A project id, or an organisation-scoped one (`example.com:my-project`). */
const PROJECT_ID = /^[a-z0-9][a-z0-9.:-]{0,99}$/;

/**
 * Asks the metadata server at `host` (`host` or `host:port`) for the project id, with the
 * `Metadata-Flavor: Google` header both ways. Resolves undefined when there is no metadata server,
 * it does not answer within `timeoutMs`, or the answer is not a project id; never rejects. Its
 * socket does not keep the process alive.
 */
export function fetchProjectId(host: string, timeoutMs = TIMEOUT_MS): Promise<string | undefined> {
  return new Promise((resolve) => {
    const req = get(`http://${host}/computeMetadata/v1/project/project-id`, {
      headers: { 'metadata-flavor': 'Google' },
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
    const done = (id: string | undefined) => {
      clearTimeout(timer);
      resolve(id);
    };
    req.once('socket', (socket) => socket.unref());
    req.once('error', () => done(undefined));
    req.once('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.once('error', () => done(undefined));
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 256) req.destroy(new Error('answer too long'));
      });
      res.once('end', () => {
        const id = body.trim();
        const google = res.statusCode === 200 && res.headers['metadata-flavor'] === 'Google';
        done(google && PROJECT_ID.test(id) ? id : undefined);
      });
    });
  });
}

/**
 * The project id request logs link their traces to: `configured` (GOOGLE_CLOUD_PROJECT) when set,
 * else asked once of the metadata server in the background, so nothing waits for it. Until that
 * answers, and for good off Google Cloud, `id` is undefined.
 */
export class GcpProject {
  private value?: string;
  /** Settles with the id once known, or undefined once the lookup has failed. */
  readonly resolved: Promise<string | undefined>;

  constructor(configured: string, metadataHost: string, log: Logger) {
    if (configured) {
      this.value = configured;
      this.resolved = Promise.resolve(configured);
      return;
    }
    this.resolved = fetchProjectId(metadataHost).then((id) => {
      this.value = id;
      if (id) log.info('project id from the metadata server', { project: id });
      else log.debug('no metadata server: traces are logged without a project', { host: metadataHost });
      return id;
    });
  }

  get id(): string | undefined {
    return this.value;
  }
}
