import type { MediaStreamSocket } from '../media-stream-socket';
import { CarrierSide } from './carrier-side';
import type { VendorWire } from './vendor-wire';

/** An in-memory MediaStreamSocket joined to a CarrierSide: no network, everything synchronous. */
export class FakeMediaStreamSocket implements MediaStreamSocket {
  closedWith: { code: number; reason: string } | null = null;
  buffered = 0;
  readonly carrier: CarrierSide;
  private readonly messageListeners: Array<(data: Buffer, isBinary: boolean) => void> = [];
  private readonly closeListeners: Array<(code: number) => void> = [];

  constructor(wire: VendorWire) {
    this.carrier = new CarrierSide(wire, {
      send: (data) => {
        if (this.closedWith) return;
        const isBinary = Buffer.isBuffer(data);
        const buf = isBinary ? data : Buffer.from(data);
        for (const l of this.messageListeners) l(buf, isBinary);
      },
      close: () => this.close(1000, 'carrier closed'),
    });
  }

  isOpen(): boolean {
    return this.closedWith === null;
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  send(data: string | Buffer): void {
    if (this.closedWith) return;
    const isBinary = Buffer.isBuffer(data);
    this.carrier.received(isBinary ? data : Buffer.from(data), isBinary);
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
}
