import type { CallChannel } from '../../channels/call-channel';
import type { Dialer } from '../../channels/dialer';
import type { Clock } from '../../domain/clock';
import type { Store } from '../../store/connect';
import { type SoftphoneCallBackend, type SoftphoneCallPort, createSoftphoneCalls } from './softphone-calls';
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
}): Softphone {
  const hub = createSoftphoneHub();
  const calls = createSoftphoneCalls({
    store: deps.store,
    clock: deps.clock,
    backend: deps.calls,
    hub,
    cases: { get: (caseId) => deps.cases.get(caseId, deps.store.db) },
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
