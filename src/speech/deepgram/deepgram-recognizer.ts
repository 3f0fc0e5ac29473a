import WebSocket from 'ws';
import { systemClock, type Clock } from '../../domain/clock';
import type { AudioFrame } from '../../media/frame';
import { HypothesisQueue } from '../hypothesis-queue';
import { checkFrame, checkStartOptions, streamClosedError } from '../recognizer-input';
import { RecognizerError, type Hypothesis, type Recognizer, type RecognizerStartOptions, type RecognizerStream } from '../recognizer';
import { classifyClose, classifyHandshakeStatus, parseServerMessage } from './deepgram-messages';

/*
 * Deepgram live transcription spoken directly over `ws` rather than through @deepgram/sdk:
 * the protocol is one query string, binary PCM in, four JSON message types; `ws` is already a
 * dependency, and owning the socket lets us see the handshake's HTTP status to classify
 * failures (auth vs outage) and point the adapter at a local test server by base URL.
 */

export interface DeepgramOptions {
  readonly apiKey: string;
  /** Default wss://api.deepgram.com; /v1/listen is appended. */
  readonly baseUrl?: string;
  /** Default nova-3 (has Japanese since late 2025; nova-2 also does). */
  readonly model?: string;
  /** Silence (ms) after which Deepgram marks speech_final; false turns endpointing off. Default 300. */
  readonly endpointingMs?: number | false;
  readonly connectTimeoutMs?: number;
  /** After CloseStream, how long to wait for the server to finish and close. Default 10 000. */
  readonly closeTimeoutMs?: number;
  /** Deepgram drops a socket after 10 s without data; we send KeepAlive when audio pauses this long. Default 4000. */
  readonly keepAliveIntervalMs?: number;
  /** Decides when audio has paused long enough for a KeepAlive. */
  readonly clock?: Clock;
  /** Socket factory, for tests and proxies. */
  readonly createSocket?: (url: string, headers: Record<string, string>, handshakeTimeoutMs: number) => WebSocket;
}

const defaultCreateSocket = (url: string, headers: Record<string, string>, handshakeTimeoutMs: number): WebSocket =>
  new WebSocket(url, { headers, handshakeTimeout: handshakeTimeoutMs });

export class DeepgramRecognizer implements Recognizer {
  private readonly listenUrl: URL;

  constructor(private readonly options: DeepgramOptions) {
    if (!options.apiKey) throw new RecognizerError('bad-config', 'Deepgram needs an API key');
    let base: URL;
    try {
      base = new URL(options.baseUrl ?? 'wss://api.deepgram.com');
    } catch (cause) {
      throw new RecognizerError('bad-config', 'Deepgram baseUrl is not a valid URL', { cause });
    }
    if (base.protocol !== 'wss:' && base.protocol !== 'ws:') {
      throw new RecognizerError('bad-config', 'Deepgram baseUrl must be ws:// or wss://');
    }
    this.listenUrl = new URL(`${base.pathname.replace(/\/+$/, '')}/v1/listen`, base);
  }

  start(opts: RecognizerStartOptions): RecognizerStream {
    checkStartOptions(opts);
    const model = this.options.model ?? 'nova-3';
    const url = new URL(this.listenUrl);
    const query = url.searchParams;
    query.set('model', model);
    query.set('language', opts.lang);
    query.set('encoding', 'linear16');
    query.set('sample_rate', String(opts.sampleRateHz));
    query.set('channels', '1');
    query.set('interim_results', 'true');
    query.set('punctuate', 'true');
    const endpointing = this.options.endpointingMs ?? 300;
    query.set('endpointing', endpointing === false ? 'false' : String(endpointing));
    // Nova-3 takes `keyterm` prompts; older models take `keywords`.
    const hintParam = model.startsWith('nova-3') ? 'keyterm' : 'keywords';
    for (const hint of opts.hints ?? []) query.append(hintParam, hint);

    return new DeepgramStream(opts, {
      url: url.toString(),
      headers: { Authorization: `Token ${this.options.apiKey}` },
      connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
      closeTimeoutMs: this.options.closeTimeoutMs ?? 10_000,
      keepAliveIntervalMs: this.options.keepAliveIntervalMs ?? 4000,
      createSocket: this.options.createSocket ?? defaultCreateSocket,
      clock: this.options.clock ?? systemClock,
    });
  }
}

interface StreamSettings {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly connectTimeoutMs: number;
  readonly closeTimeoutMs: number;
  readonly keepAliveIntervalMs: number;
  readonly createSocket: NonNullable<DeepgramOptions['createSocket']>;
  readonly clock: Clock;
}

type State = 'connecting' | 'open' | 'done';

class DeepgramStream implements RecognizerStream {
  private readonly queue = new HypothesisQueue();
  private socket: WebSocket | undefined;
  private state: State = 'connecting';
  private ended = false;
  private closeStreamSent = false;
  private finalizeWanted = false;
  private readonly unsent: Buffer[] = [];
  private lastSentAt = 0;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private closeTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly opts: RecognizerStartOptions,
    private readonly settings: StreamSettings,
  ) {
    const signal = opts.signal;
    if (signal?.aborted) {
      this.state = 'done';
      this.queue.close();
      return;
    }
    signal?.addEventListener('abort', () => this.abort(), { once: true });
    this.connect();
  }

  get results(): AsyncIterable<Hypothesis> {
    return this.queue;
  }

  write(frame: AudioFrame): void {
    if (this.state === 'done' && !this.ended) return; // aborted or failed: media may still flow briefly
    if (this.ended) throw streamClosedError();
    checkFrame(frame, this.opts.sampleRateHz);
    // linear16 is little-endian, as Int16Array is on every platform Node supports.
    const bytes = Buffer.from(frame.samples.buffer, frame.samples.byteOffset, frame.samples.byteLength);
    if (this.state === 'open') this.send(bytes);
    else this.unsent.push(Buffer.from(bytes)); // copy: the caller may reuse its buffer
  }

  /** Deepgram's `Finalize`: flush finals for the audio so far; the socket stays open for the next turn. */
  finalize(): void {
    if (this.ended || this.state === 'done') return;
    if (this.state === 'open') this.sendFinalize();
    else this.finalizeWanted = true; // sent once the socket opens, after the audio waiting for it
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.state === 'open') this.sendCloseStream();
  }

  private connect(): void {
    let socket: WebSocket;
    try {
      socket = this.settings.createSocket(this.settings.url, this.settings.headers, this.settings.connectTimeoutMs);
    } catch (cause) {
      this.fail(new RecognizerError('bad-config', 'could not create the Deepgram socket', { cause }));
      return;
    }
    this.socket = socket;
    socket.binaryType = 'nodebuffer';
    socket.on('open', () => this.onOpen());
    socket.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    socket.on('unexpected-response', (request, response) => {
      const detail = String(response.headers['dg-error'] ?? response.statusMessage ?? '').slice(0, 200);
      this.fail(classifyHandshakeStatus(response.statusCode ?? 0, detail));
      request.destroy();
    });
    socket.on('error', (error) => this.onSocketError(error));
    socket.on('close', (code, reason) => this.onClose(code, reason.toString('utf8')));
  }

  private onOpen(): void {
    if (this.state !== 'connecting') return;
    this.state = 'open';
    for (const bytes of this.unsent.splice(0)) this.send(bytes);
    if (this.finalizeWanted && !this.ended) this.sendFinalize();
    if (this.ended) this.sendCloseStream();
    this.keepAliveTimer = setInterval(() => this.keepAlive(), this.settings.keepAliveIntervalMs);
  }

  private onMessage(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.state === 'done' || isBinary) return;
    try {
      const message = parseServerMessage(Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString());
      if (message.kind === 'hypothesis') this.queue.push(message.hypothesis);
    } catch (error) {
      this.fail(
        error instanceof RecognizerError ? error : new RecognizerError('protocol', 'unreadable Deepgram message', { cause: error }),
      );
    }
  }

  private onSocketError(error: Error): void {
    const timedOut = /timed out/i.test(error.message);
    this.fail(
      timedOut
        ? new RecognizerError('timeout', 'Deepgram did not accept the connection in time', { cause: error })
        : new RecognizerError('network', 'could not reach Deepgram', { cause: error }),
    );
  }

  private onClose(code: number, reason: string): void {
    if (this.state === 'done') return;
    if (this.closeStreamSent && (code === 1000 || code === 1005)) {
      this.finish();
      this.queue.close(); // everything Deepgram had for us has arrived
      return;
    }
    this.fail(classifyClose(code, reason));
  }

  private send(bytes: Buffer): void {
    this.socket?.send(bytes);
    this.lastSentAt = this.settings.clock.now().getTime();
  }

  private keepAlive(): void {
    if (this.state !== 'open' || this.closeStreamSent) return;
    if (this.settings.clock.now().getTime() - this.lastSentAt < this.settings.keepAliveIntervalMs) return;
    this.socket?.send(JSON.stringify({ type: 'KeepAlive' })); // must be a text frame
    this.lastSentAt = this.settings.clock.now().getTime();
  }

  private sendFinalize(): void {
    this.finalizeWanted = false;
    this.socket?.send(JSON.stringify({ type: 'Finalize' })); // a text frame, like KeepAlive
    this.lastSentAt = this.settings.clock.now().getTime();
  }

  private sendCloseStream(): void {
    if (this.closeStreamSent) return;
    this.closeStreamSent = true;
    this.socket?.send(JSON.stringify({ type: 'CloseStream' }));
    this.closeTimer = setTimeout(() => {
      this.fail(new RecognizerError('timeout', 'Deepgram did not finish the stream in time'));
    }, this.settings.closeTimeoutMs);
  }

  private fail(error: RecognizerError): void {
    if (this.state === 'done') return;
    this.finish();
    this.queue.fail(error);
  }

  private abort(): void {
    if (this.state === 'done') return;
    this.finish();
    this.queue.discard();
  }

  /** Stop timers and let go of the socket; the first caller decides how results end. */
  private finish(): void {
    this.state = 'done';
    this.unsent.length = 0;
    if (this.keepAliveTimer) clearInterval(this.keepAliveTimer);
    if (this.closeTimer) clearTimeout(this.closeTimer);
    const socket = this.socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000);
      else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
    }
  }
}
