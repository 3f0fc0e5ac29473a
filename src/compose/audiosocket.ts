import type { CarrierEvents, IncomingCalls } from '../channels/carrier';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import type { Synthesizer } from '../speech/synthesizer';
import type { FramePacer } from '../telephony/carrier';
import { type AudioSocketServer, createCallInAnswer, createCallInRoute, startAudioSocketServer } from '../telephony/audiosocket';

/** The AudioSocket listener AIZUCHI_AUDIOSOCKET_LISTEN asks for; started by server.ts, not by composition. */
export interface ComposedAudioSocket {
  /** Listens (throws the listen error, or AllowListError for a bad AIZUCHI_AUDIOSOCKET_ALLOW entry). */
  start(): Promise<void>;
  /** The bound address once started (the real port when 0 was configured), else null. */
  address(): { host: string; port: number } | null;
  /** Ends open AudioSocket calls and stops listening; idempotent. */
  close(): Promise<void>;
}

/**
 * AudioSocket from configuration, or null when AIZUCHI_AUDIOSOCKET_LISTEN is unset. aizuchi places no
 * calls through Asterisk, so every AudioSocket call is a call in: with call-in configured
 * (AIZUCHI_INBOUND_NUMBER*) it runs the call-in flow as if the customer had dialled the default
 * inbound number (no caller ID: never phone evidence); without, the caller hears that this line
 * takes no calls yet (telephony/audiosocket/call-in.ts) and is hung up.
 */
export function composeAudioSocket(
  config: Config,
  deps: {
    logger: Logger;
    voice: () => Promise<{ synthesizer: Synthesizer; pacer: FramePacer }>;
    /** The call-in service, when call-in is configured. */
    callIn: { incoming: IncomingCalls; answered: CarrierEvents['answered'] } | null;
  },
): ComposedAudioSocket | null {
  const settings = config.audioSocket;
  if (!settings) return null;
  let server: AudioSocketServer | null = null;
  const onCall =
    deps.callIn && config.inboundNumbers
      ? createCallInRoute({
          ...deps.callIn,
          // The number the call counts as dialled: the default one, else the only one configured.
          to: config.inboundNumbers.default || config.inboundNumbers.ja || config.inboundNumbers.en || '',
          logger: deps.logger,
        })
      : createCallInAnswer({ voice: deps.voice, companyName: config.companyName, logger: deps.logger });
  return {
    async start() {
      if (server) return;
      server = await startAudioSocketServer({ ...settings, logger: deps.logger, onCall });
      deps.logger.info({ host: server.address.host, port: server.address.port }, 'audiosocket listening');
    },
    address: () => server?.address ?? null,
    async close() {
      const running = server;
      server = null;
      await running?.close();
    },
  };
}
