/**
 * The request bodies of jobs this process accepted, kept in memory up to `maxBytes` in all, so
 * that the runner claiming one of them here does not read it back from the store: with PostgreSQL
 * that saves sending each input to the database server and back again. Jobs claimed by another
 * process leave their body behind; when full, the oldest bodies make room for a new one.
 */
export class HeldInputs {
  private readonly bodies = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** Keeps `body` as job `id`'s input, dropping the oldest kept bodies while there is no room. */
  keep(id: string, body: Buffer): void {
    if (body.length > this.maxBytes) return;
    for (const [oldest, kept] of this.bodies) {
      if (this.bytes + body.length <= this.maxBytes) break;
      this.bodies.delete(oldest);
      this.bytes -= kept.length;
    }
    this.bodies.set(id, body);
    this.bytes += body.length;
  }

  /** Job `id`'s input, no longer kept; undefined when it was not kept or made room for others. */
  take(id: string): Buffer | undefined {
    const body = this.bodies.get(id);
    if (body) {
      this.bodies.delete(id);
      this.bytes -= body.length;
    }
    return body;
  }

  /** Bytes kept. */
  get size(): number {
    return this.bytes;
  }
}
