import type { SoftphoneSocket } from './softphone-socket';

/** An in-memory SoftphoneSocket: tests push messages in and read what the server sent. */
export class FakeSoftphoneSocket implements SoftphoneSocket {
  readonly sent: Array<string | Buffer> = [];
  closedWith: { code: number; reason: string } | null = null;
  buffered = 0;
  private messageListeners: Array<(data: Buffer, isBinary: boolean) => void> = [];
  private closeListeners: Array<(code: number) => void> = [];

  isOpen(): boolean {
    return this.closedWith === null;
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  send(data: string | Buffer): void {
    this.sent.push(data);
  }
  close(code: number, reason: string): void {
    if (this.closedWith) return;
    this.closedWith = { code, reason };
    for (const l of this.closeListeners) l(code);
  }
  onMessage(listener: (data: Buffer, isBinary: boolean) => void): void {
    this.messageListeners.push(listener);
  }
  onClose(listener: (code: number) => void): void {
    this.closeListeners.push(listener);
  }

  /** What the page would send. */
  receive(data: Buffer | string | object, isBinary = Buffer.isBuffer(data)): void {
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
    for (const l of this.messageListeners) l(buf, isBinary);
  }
  /** The page went away. */
  drop(): void {
    this.close(1006, 'gone');
  }
  json(): Array<Record<string, unknown>> {
    return this.sent.filter((m): m is string => typeof m === 'string').map((m) => JSON.parse(m) as Record<string, unknown>);
  }
  binary(): Buffer[] {
    return this.sent.filter((m): m is Buffer => Buffer.isBuffer(m));
  }
}
