import http from 'node:http';

/** An EventSource as a browser opens it: one GET kept open, `data:` lines parsed as JSON. */
export class SseReader {
  readonly events: Array<Record<string, unknown>> = [];
  status = 0;
  /** Resolves when the server ends the stream (or the connection drops). */
  readonly ended: Promise<void>;
  private buffer = '';
  private markEnded: () => void = () => undefined;
  private constructor(private readonly req: http.ClientRequest) {
    this.ended = new Promise((resolve) => (this.markEnded = resolve));
  }

  static open(url: string, cookie: string): Promise<SseReader> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers: { cookie, accept: 'text/event-stream' } });
      const reader = new SseReader(req);
      req.once('error', reject);
      req.once('response', (res) => {
        reader.status = res.statusCode ?? 0;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => reader.take(chunk));
        res.on('error', () => undefined);
        res.once('close', () => reader.markEnded());
        resolve(reader);
      });
    });
  }

  private take(chunk: string) {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      if (data) this.events.push(JSON.parse(data) as Record<string, unknown>);
    }
  }

  async waitFor(match: (e: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      if (Date.now() > until) throw new Error(`no such event; saw ${JSON.stringify(this.events.map((e) => e.type))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close() {
    this.req.destroy();
  }
}
