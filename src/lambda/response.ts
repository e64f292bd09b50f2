import { EventEmitter } from 'node:events';
import type { OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { LambdaHttpResult } from './events.js';

/** Content types sent as UTF-8 text; every other body (images, octet streams) goes base64. */
const TEXT_TYPE =
  /^(text\/|application\/([\w.+-]*\+)?(json|xml|javascript|x-www-form-urlencoded)\b)|charset=/i;

type HeaderValue = number | string | readonly string[];

/**
 * Collects what a route writes (`writeHead`, `setHeader`, `write`, `end`) the way `ServerResponse`
 * would send it, so the shared router answers a Lambda event unchanged. {@link toResult} turns it
 * into a payload v2.0 result. Emits `finish` and `close` on `end()`, like a real response.
 */
export class LambdaResponse extends EventEmitter {
  statusCode = 200;
  headersSent = false;
  writableEnded = false;
  writableFinished = false;
  readonly finished: Promise<void>;
  private readonly headers = new Map<string, HeaderValue>();
  private readonly chunks: Buffer[] = [];
  private resolveFinished!: () => void;

  /** `head`: the answer to a HEAD request, whose body is left out (its headers stay, Content-Length too). */
  constructor(private readonly head = false) {
    super();
    this.finished = new Promise((resolve) => {
      this.resolveFinished = resolve;
    });
  }

  /** This object as the `ServerResponse` the router and routes are typed against. */
  asServerResponse(): ServerResponse {
    return this as unknown as ServerResponse;
  }

  setHeader(name: string, value: HeaderValue): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  getHeader(name: string): HeaderValue | undefined {
    return this.headers.get(name.toLowerCase());
  }

  /** The form the routes use: a status and a headers object. */
  writeHead(status: number, headers?: OutgoingHttpHeaders): this {
    this.statusCode = status;
    for (const [name, value] of Object.entries(headers ?? {})) {
      if (value !== undefined) this.setHeader(name, value);
    }
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Uint8Array, encoding?: BufferEncoding | (() => void), cb?: () => void): boolean {
    this.headersSent = true;
    this.chunks.push(
      typeof chunk === 'string' ? Buffer.from(chunk, asEncoding(encoding)) : Buffer.from(chunk),
    );
    (typeof encoding === 'function' ? encoding : cb)?.();
    return true;
  }

  end(
    chunk?: string | Uint8Array | (() => void),
    encoding?: BufferEncoding | (() => void),
    cb?: () => void,
  ): this {
    if (this.writableEnded) return this;
    if (typeof chunk === 'function') cb = chunk;
    else if (chunk !== undefined) this.write(chunk, asEncoding(encoding));
    this.headersSent = true;
    this.writableEnded = true;
    this.writableFinished = true;
    this.resolveFinished();
    this.emit('finish');
    this.emit('close');
    (typeof encoding === 'function' ? encoding : cb)?.();
    return this;
  }

  /** The body written so far. */
  body(): Buffer {
    return Buffer.concat(this.chunks);
  }

  /** The payload v2.0 result: text bodies as UTF-8, binary ones base64, `set-cookie` as `cookies`. */
  toResult(): LambdaHttpResult {
    const headers: Record<string, string> = {};
    let cookies: string[] | undefined;
    for (const [name, value] of this.headers) {
      if (name === 'set-cookie') cookies = ([] as string[]).concat(value as string | string[]);
      else headers[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    const body = this.head ? Buffer.alloc(0) : this.body();
    const text = body.length === 0 || TEXT_TYPE.test(headers['content-type'] ?? '');
    const result: LambdaHttpResult = {
      statusCode: this.statusCode,
      headers,
      body: body.toString(text ? 'utf8' : 'base64'),
      isBase64Encoded: !text,
    };
    if (cookies) result.cookies = cookies;
    return result;
  }
}

function asEncoding(encoding: unknown): BufferEncoding | undefined {
  return typeof encoding === 'string' ? (encoding as BufferEncoding) : undefined;
}
