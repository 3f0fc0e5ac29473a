import net from 'node:net';
import { errorFields } from '../../domain/errors';
import type { Logger } from '../../observability/logger';
import { createAllowList } from './allow-list';
import { type AudioSocketChannel, createAudioSocketChannel } from './audiosocket-channel';
import { AUDIOSOCKET_ERROR, AudioSocketDecoder, AudioSocketFrameError, encodeAudioSocket } from './framing';

export interface AudioSocketServerOptions {
  /** Where to listen (AIZUCHI_AUDIOSOCKET_LISTEN); port 0 picks a free one (tests). */
  readonly host: string;
  readonly port: number;
  /** Peer addresses and CIDR ranges allowed to connect (AIZUCHI_AUDIOSOCKET_ALLOW). */
  readonly allow: readonly string[];
  /**
   * A call whose UUID arrived. Called once per connection, synchronously after the UUID message;
   * messages that arrive before its listeners are attached are not replayed.
   */
  readonly onCall: (uuid: string, channel: AudioSocketChannel) => void;
  readonly logger: Logger;
  /** How long a new connection may take to send its UUID (default 3000 ms). */
  readonly uuidTimeoutMs?: number;
  /**
   * How long a connection may go without one whole message (default 15000 ms). Asterisk sends a
   * frame every 20 ms while the call is up, so a silence this long is a stalled or hostile peer
   * (slow-loris: a byte now and then never completes a message and does not count).
   */
  readonly idleTimeoutMs?: number;
  /** Agent audio the peer has not read yet above which the call is dropped (default 64 KiB, about 4 s of audio). */
  readonly maxBacklogBytes?: number;
  /** Simultaneous connections (default 200). */
  readonly maxConnections?: number;
}

export interface AudioSocketServer {
  /** The bound address (the real port when 0 was asked). */
  readonly address: { host: string; port: number };
  /** Connections open now. */
  connections(): number;
  /** Stops listening and ends every call ('shutdown'). */
  close(): Promise<void>;
}

/**
 * Listens for Asterisk AudioSocket connections (TELEPHONY.md §5; Asterisk docs
 * `docs/Configuration/Channel-Drivers/AudioSocket.md` [K3]): Asterisk's `AudioSocket(<uuid>,host:port)`
 * dialplan application or `Dial(AudioSocket/host:port/<uuid>)` connects to us and sends the UUID
 * first, then 8 kHz signed-linear audio; we answer with audio and hang up with a 0x00 message.
 * A peer outside `allow` is closed at once without a byte. Malformed bytes, an unknown kind, a
 * payload above 4 KiB, anything but a UUID first, a second UUID, no UUID within `uuidTimeoutMs` or
 * no whole message within `idleTimeoutMs` are logged (reason code only: no UUID, no audio) and end
 * the connection with an error message (0xff 0x02), never the process.
 */
export async function startAudioSocketServer(o: AudioSocketServerOptions): Promise<AudioSocketServer> {
  const allowed = createAllowList(o.allow);
  const log = o.logger.child({ component: 'audiosocket' });
  const uuidTimeoutMs = o.uuidTimeoutMs ?? 3000;
  const idleTimeoutMs = o.idleTimeoutMs ?? 15000;
  const maxBacklog = o.maxBacklogBytes ?? 64 * 1024;
  const sockets = new Set<net.Socket>();
  const channels = new Set<AudioSocketChannel>();

  const server = net.createServer((socket) => {
    if (!allowed(socket.remoteAddress)) {
      log.warn({ peer: socket.remoteAddress }, 'audiosocket connection from an address not allowed: closed');
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    const decoder = new AudioSocketDecoder();
    let channel: AudioSocketChannel | null = null;
    let ended = false;

    const fail = (code: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      log.warn({ code, callStarted: channel !== null }, 'audiosocket connection closed on a protocol error');
      // The channel's own close would send a hangup; the error message says why instead.
      channel?.remoteClosed('protocol error');
      socket.end(encodeAudioSocket.error(AUDIOSOCKET_ERROR.frameForwarding));
      socket.destroySoon();
    };
    let timer = setTimeout(() => fail('audiosocket_no_uuid'), uuidTimeoutMs);
    timer.unref();
    const heard = () => {
      clearTimeout(timer);
      timer = setTimeout(() => fail('audiosocket_idle'), idleTimeoutMs);
      timer.unref();
    };

    socket.on('data', (chunk: Buffer) => {
      if (ended) return;
      let messages;
      try {
        messages = decoder.push(chunk);
      } catch (err) {
        return fail(err instanceof AudioSocketFrameError ? err.code : 'audiosocket_decode');
      }
      for (const message of messages) {
        if (ended) return;
        if (!channel) {
          if (message.kind === 'hangup' || message.kind === 'error') {
            ended = true;
            clearTimeout(timer);
            socket.destroy();
            return;
          }
          if (message.kind !== 'uuid') return fail('audiosocket_no_uuid_first');
          heard();
          const opened = createAudioSocketChannel({
            write: (bytes) => {
              if (socket.destroyed) return;
              socket.write(bytes);
              // A peer that stopped reading our audio: drop the call rather than buffer without end.
              if (socket.writableLength > maxBacklog) fail('audiosocket_backlog');
            },
            end: () => {
              ended = true;
              clearTimeout(timer);
              socket.end();
              // Asterisk closes on our hangup; a peer that keeps its half open is cut.
              setTimeout(() => socket.destroy(), 5000).unref();
            },
          });
          channel = opened;
          channels.add(opened);
          opened.onClose(() => channels.delete(opened));
          try {
            o.onCall(message.uuid, opened);
          } catch (err) {
            log.error(errorFields(err), 'audiosocket call could not be started');
            opened.close('error');
          }
          continue;
        }
        if (message.kind === 'uuid') return fail('audiosocket_second_uuid');
        heard();
        channel.receive(message);
        if (channel.closed) {
          ended = true;
          clearTimeout(timer);
          socket.destroySoon();
        }
      }
    });
    socket.on('error', () => undefined); // ECONNRESET and the like: 'close' follows.
    socket.on('close', () => {
      ended = true;
      clearTimeout(timer);
      sockets.delete(socket);
      channel?.remoteClosed('connection closed');
    });
  });
  server.maxConnections = o.maxConnections ?? 200;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error(errorFields(err), 'audiosocket server error'));
  const bound = server.address() as net.AddressInfo;
  return {
    address: { host: bound.address, port: bound.port },
    connections: () => sockets.size,
    async close() {
      for (const c of [...channels]) c.close('shutdown');
      const closing = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sockets) s.destroySoon();
      // Peers that do not close their side are cut after a moment.
      const cut = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 1000);
      cut.unref();
      await closing;
      clearTimeout(cut);
    },
  };
}
