import type { CallChannel } from '../../channels/call-channel';
import type { Dialer } from '../../channels/dialer';
import type { Clock } from '../../domain/clock';
import type { Logger } from '../../observability/logger';
import type { Store } from '../../store/connect';
import type { PubSub } from '../../store/pubsub';
import { SOFTPHONE_RING_CHANNEL, type SoftphoneCallBackend, type SoftphoneCallPort, createSoftphoneCalls } from './softphone-calls';
import { type SoftphoneHub, createSoftphoneHub } from './softphone-hub';
import type { SoftphoneSessionStarter } from './softphone-line';
import { type SoftphoneCaseLookup, type SoftphoneLinks, createSoftphoneLinks } from './softphone-links';
import { type ConnectedSoftphoneCall, type OpenVoiceLine, createSoftphoneSessionStarter } from './softphone-session';

export interface Softphone {
  /** The Dialer for callbacks on the softphone channel. */
  dialer: Dialer;
  /** Per-case links for the request mail (issue inside the request's transaction). */
  links: SoftphoneLinks;
  /** For softphonePlugin (src/web/plugins/softphone.ts). */
  calls: SoftphoneCallPort;
  hub: SoftphoneHub;
  startSession: SoftphoneSessionStarter;
}

/** The softphone's server side wired to the call service; hand the result to softphonePlugin. */
export function createSoftphone<Connected extends ConnectedSoftphoneCall>(deps: {
  store: Pick<Store, 'db'>;
  clock: Clock;
  tokenKey: Buffer;
  /** The case service, for the case a link opens. */
  cases: SoftphoneCaseLookup;
  calls: SoftphoneCallBackend<Connected> & { attach(connected: Connected, channel: CallChannel): Promise<unknown> };
  /** Voice engines; without them calls run as captioned text calls in the page. */
  openVoice?: OpenVoiceLine;
  /**
   * Dials announced to every process (issue 11): a worker process's dial rings a page held by a web
   * process at once. Without it, pages of other processes still ring at their next poll.
   */
  pubsub?: PubSub;
  logger?: Logger;
}): Softphone {
  const hub = deps.pubsub ? hearRings(createSoftphoneHub(), deps.pubsub, deps.logger) : createSoftphoneHub();
  const calls = createSoftphoneCalls({
    store: deps.store,
    clock: deps.clock,
    backend: deps.calls,
    hub,
    cases: { get: (caseId) => deps.cases.get(caseId, deps.store.db) },
    ...(deps.pubsub ? { pubsub: deps.pubsub } : {}),
    ...(deps.logger ? { logger: deps.logger } : {}),
  });
  return {
    dialer: calls.dialer,
    links: createSoftphoneLinks({ tokenKey: deps.tokenKey, clock: deps.clock, cases: deps.cases }),
    calls: calls.port,
    hub,
    startSession: createSoftphoneSessionStarter({
      takeConnected: calls.takeConnected,
      attach: (connected, channel) => deps.calls.attach(connected, channel),
      ...(deps.openVoice ? { openVoice: deps.openVoice } : {}),
    }),
  };
}

/**
 * The hub, listening for announced dials from the first page it holds on (so processes with no
 * pages, the worker and the CLI, hold no listener): each `{ caseId }` pokes this process's pages
 * for the case. Pages opened while the listener connects still find the call by polling.
 */
function hearRings(hub: SoftphoneHub, pubsub: PubSub, logger: Logger | undefined): SoftphoneHub {
  let listening = false;
  return {
    ...hub,
    add(line) {
      hub.add(line);
      if (listening) return;
      listening = true;
      pubsub
        .subscribe(SOFTPHONE_RING_CHANNEL, (message) => {
          const caseId = (message as { caseId?: unknown } | null)?.caseId;
          if (typeof caseId === 'string') hub.poke(caseId);
        })
        .catch((err: unknown) => {
          listening = false; // the next page tries again
          logger?.warn({ errorName: (err as Error)?.name }, 'softphone could not listen for rings; pages rely on polling');
        });
    },
  };
}
