import { decodePayload, encodePayload } from '../payload-codec';
import type { OutboundMessage, VendorWire } from './vendor-wire';

/** How a test carrier reaches the endpoint: an in-memory socket or a real WebSocket client. */
export interface CarrierTransport {
  send(data: string | Buffer): void;
  /** The carrier drops the connection (no stop message). */
  close(): void;
}

/**
 * The carrier's end of one media stream in a test: speaks `wire` to the endpoint, codes caller
 * audio as the vendor does, and keeps everything the endpoint sent back, decoded.
 */
export class CarrierSide {
  readonly outbound: OutboundMessage[] = [];
  /** Marks we placed that the carrier has not echoed yet, in order. */
  readonly pendingMarks: string[] = [];

  constructor(
    readonly wire: VendorWire,
    private readonly transport: CarrierTransport,
  ) {}

  /** Sends the vendor's opening messages with `token` in its custom parameters (none when null). */
  open(token: string | null): void {
    for (const message of this.wire.opening(token)) this.transport.send(message);
  }

  /** One caller chunk at the stream's rate, coded per the vendor's encoding. */
  sendAudio(samples: Int16Array, chunk?: number): void {
    this.transport.send(this.wire.media(encodePayload(this.wire.encoding, samples), chunk));
  }

  sendRaw(data: string | Buffer): void {
    this.transport.send(data);
  }

  sendDtmf(digits: string): void {
    for (const digit of digits) this.transport.send(this.wire.dtmf(digit));
  }

  /** The caller hangs up: the vendor's stop, then the socket closes. */
  hangUp(): void {
    const stop = this.wire.stop();
    if (stop !== null) this.transport.send(stop);
    this.transport.close();
  }

  /** The carrier has played everything up to and including mark `name` (all pending ones without a name). */
  playMarks(name?: string): void {
    const upTo = name === undefined ? this.pendingMarks.length : this.pendingMarks.indexOf(name) + 1;
    for (const mark of this.pendingMarks.splice(0, upTo)) {
      const echo = this.wire.markEcho(mark);
      if (echo !== null) this.transport.send(echo);
    }
  }

  /** Call with every message the endpoint sends. A clear discards buffered audio and echoes pending marks, as Twilio does (§1.5). */
  received(data: Buffer, isBinary: boolean): void {
    const message = this.wire.read(data, isBinary);
    this.outbound.push(message);
    if (message.type === 'mark') this.pendingMarks.push(message.name);
    if (message.type === 'clear') this.playMarks();
  }

  /** Agent audio received, one sample array per media message, decoded. */
  heard(): Int16Array[] {
    return this.outbound.flatMap((m) => (m.type === 'media' ? [decodePayload(this.wire.encoding, m.payload)] : []));
  }

  /** Raw media payload sizes, in bytes, in order. */
  payloadSizes(): number[] {
    return this.outbound.flatMap((m) => (m.type === 'media' ? [m.payload.length] : []));
  }
}
