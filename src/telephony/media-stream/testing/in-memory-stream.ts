import type { CarrierEvents } from '../../../channels/carrier';
import type { MediaStreamChannel, MediaStreamChannelOptions } from '../media-stream-channel';
import { acceptMediaStream } from '../media-stream-endpoint';
import { FakeMediaStreamSocket } from './fake-socket';
import { TestCarrierEvents } from './test-carrier-events';
import type { VendorWire } from './vendor-wire';

export interface InMemoryStream {
  readonly socket: FakeMediaStreamSocket;
  readonly carrier: FakeMediaStreamSocket['carrier'];
  /** The accepted channel; null when the endpoint refused the stream. */
  readonly channel: MediaStreamChannel | null;
  readonly events: CarrierEvents;
}

/**
 * Runs the endpoint over an in-memory socket: the carrier opens with `token` (default 'tok-1',
 * which the default events know), and this resolves once the token was accepted or refused.
 */
export async function openInMemoryStream(
  wire: VendorWire,
  opts: { token?: string | null; events?: CarrierEvents; channel?: MediaStreamChannelOptions } = {},
): Promise<InMemoryStream> {
  const socket = new FakeMediaStreamSocket(wire);
  const events = opts.events ?? new TestCarrierEvents({ 'tok-1': 'call-1' });
  let channel: MediaStreamChannel | null = null;
  acceptMediaStream(socket, { events, ...(opts.channel ? { channel: opts.channel } : {}), onAccepted: (c) => (channel = c) });
  socket.carrier.open(opts.token === undefined ? 'tok-1' : opts.token);
  // answered() resolves through promise callbacks: let them run.
  for (let i = 0; i < 5 && !channel && !socket.closedWith; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  return { socket, carrier: socket.carrier, channel, events };
}
