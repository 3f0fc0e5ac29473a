import dgram from 'node:dgram';
import net from 'node:net';
import { AizuchiError } from '../../domain/errors';
import { parseSipDatagram, serializeSip, SipStreamParser, type SipMessage } from './message';

/**
 * SIP over UDP and TCP on one local address and port (RFC 3261 §18). UDP datagrams are one message
 * each; TCP connections (ours to the trunk, or the trunk's to us) are framed by Content-Length and
 * reused both ways. Malformed input is counted and dropped (a TCP framing error closes that
 * connection); nothing a peer sends can throw out of here.
 */

export type SipTransportName = 'udp' | 'tcp';

export interface SipPeer {
  readonly transport: SipTransportName;
  readonly address: string;
  readonly port: number;
}

export class SipTransportError extends AizuchiError {
  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, { code: 'sip_transport', retryable: options?.retryable ?? true, cause: options?.cause });
  }
}

export interface SipTransportStats {
  received: number;
  malformed: number;
  sent: number;
}

const key = (address: string, port: number) => `${address}|${port}`;
/** An idle TCP connection is closed after this long (a call's dialog keeps using its connection). */
const TCP_IDLE_MS = 10 * 60_000;

export class SipTransport {
  private readonly listeners: Array<(msg: SipMessage, from: SipPeer) => void> = [];
  private readonly connections = new Map<string, net.Socket>();
  private readonly counts: SipTransportStats = { received: 0, malformed: 0, sent: 0 };
  private closed = false;

  private constructor(
    private readonly udp: dgram.Socket,
    private readonly tcp: net.Server,
    readonly host: string,
    readonly port: number,
  ) {
    udp.on('message', (buf, rinfo) => {
      let msg: SipMessage;
      try {
        msg = parseSipDatagram(buf);
      } catch {
        // Also CRLF keepalives (RFC 5626 §3.5.1) land here; they carry nothing.
        this.counts.malformed++;
        return;
      }
      this.deliver(msg, { transport: 'udp', address: rinfo.address, port: rinfo.port });
    });
    udp.on('error', () => undefined);
    tcp.on('connection', (socket) => this.adopt(socket));
    tcp.on('error', () => undefined);
  }

  /** Binds UDP and TCP on `host:port` (port 0: any free port, the same for both). Rejects when either is taken. */
  static async listen(host: string, port: number): Promise<SipTransport> {
    const family = host.includes(':') ? 'udp6' : 'udp4';
    for (let attempt = 0; attempt < 10; attempt++) {
      const udp = dgram.createSocket(family);
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(port, host, () => resolve());
        });
      } catch (error) {
        udp.close();
        throw new SipTransportError(`SIP cannot listen on UDP ${host}:${port}`, { cause: error, retryable: false });
      }
      const bound = udp.address().port;
      const tcp = net.createServer();
      const ok = await new Promise<unknown>((resolve) => {
        tcp.once('error', (error) => resolve(error));
        tcp.listen(bound, host, () => resolve(true));
      });
      if (ok === true) return new SipTransport(udp, tcp, host, bound);
      udp.close();
      if (port !== 0) throw new SipTransportError(`SIP cannot listen on TCP ${host}:${port}`, { cause: ok, retryable: false });
    }
    throw new SipTransportError(`SIP found no port free for both UDP and TCP on ${host}`, { retryable: false });
  }

  onMessage(listener: (msg: SipMessage, from: SipPeer) => void): void {
    this.listeners.push(listener);
  }

  stats(): SipTransportStats {
    return { ...this.counts };
  }

  /** Sends one message; over TCP opens (or reuses) a connection to the peer. */
  async send(msg: SipMessage, to: SipPeer): Promise<void> {
    if (this.closed) throw new SipTransportError('SIP transport closed', { retryable: false });
    const bytes = serializeSip(msg);
    this.counts.sent++;
    if (to.transport === 'udp') {
      await new Promise<void>((resolve, reject) => this.udp.send(bytes, to.port, to.address, (e) => (e ? reject(e) : resolve())));
      return;
    }
    const socket = await this.connection(to.address, to.port);
    socket.write(bytes);
  }

  private async connection(address: string, port: number): Promise<net.Socket> {
    const existing = this.connections.get(key(address, port));
    if (existing && !existing.destroyed) return existing;
    const socket = net.connect({ host: address, port, localAddress: this.host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', (e) => reject(new SipTransportError(`SIP TCP connect to ${address}:${port} failed`, { cause: e })));
    });
    this.adopt(socket);
    return socket;
  }

  private adopt(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    const port = socket.remotePort ?? 0;
    const id = key(address, port);
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.connections.set(id, socket);
    const parser = new SipStreamParser();
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => {
      let messages: SipMessage[];
      try {
        messages = parser.push(chunk);
      } catch {
        // A stream that lost its framing cannot be resynchronised: close it.
        this.counts.malformed++;
        socket.destroy();
        return;
      }
      for (const msg of messages) this.deliver(msg, { transport: 'tcp', address, port });
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.connections.get(id) === socket) this.connections.delete(id);
    });
  }

  private deliver(msg: SipMessage, from: SipPeer): void {
    this.counts.received++;
    for (const l of this.listeners) l(msg, from);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const socket of this.connections.values()) socket.destroy();
    this.connections.clear();
    await new Promise<void>((resolve) => this.tcp.close(() => resolve()));
    await new Promise<void>((resolve) => this.udp.close(() => resolve()));
  }
}
