import { type StreamStart, type VendorFraming, MediaStreamError, parseJsonObject } from './framing';
import { exotelFraming, recogniseExotel } from './exotel';
import { plivoFraming, recognisePlivo } from './plivo';
import { recogniseTelnyx, telnyxFraming } from './telnyx';
import { recogniseTwilio, twilioFraming } from './twilio';
import { recogniseVonage, vonageFraming } from './vonage';

/** What one of the first messages told the detector. */
export type Detection =
  /** A `connected` greeting (Twilio, Telnyx, Exotel): the decisive `start` follows. */
  | { readonly kind: 'more' }
  | { readonly kind: 'framing'; readonly framing: VendorFraming }
  | { readonly kind: 'refused'; readonly error: MediaStreamError };

type Recogniser = (msg: Record<string, unknown>) => StreamStart | MediaStreamError | null;

// Twilio before Exotel (both say `start`; Twilio's fields are camelCase), as TELEPHONY.md §3.4 orders them.
const RECOGNISERS: ReadonlyArray<[Recogniser, (start: StreamStart) => VendorFraming]> = [
  [recogniseVonage, vonageFraming],
  [recogniseTwilio, twilioFraming],
  [recogniseTelnyx, telnyxFraming],
  [recognisePlivo, plivoFraming],
  [recogniseExotel, exotelFraming],
];

/**
 * Reads one of a stream's first messages (TELEPHONY.md §3.4): Vonage's `websocket:connected` and
 * Plivo's `start` decide at once; Twilio, Telnyx and Exotel greet with `connected` and decide with
 * the `start` after it. `afterGreeting` is true once a `connected` was seen: a second greeting, or
 * anything else than a recognisable start, is refused. Never throws.
 */
export function detectStream(data: Buffer, isBinary: boolean, afterGreeting: boolean): Detection {
  const refuse = (message: string, code = 'unrecognised_stream'): Detection => ({
    kind: 'refused',
    error: new MediaStreamError(message, code),
  });
  if (isBinary) return refuse('a media stream must open with a text message (connected, start or websocket:connected)');
  const msg = parseJsonObject(data);
  if (!msg) return refuse('the first messages of a media stream must be JSON objects');
  if (msg.event === 'connected') {
    return afterGreeting ? refuse('a second connected message; expected start') : { kind: 'more' };
  }
  for (const [recognise, framing] of RECOGNISERS) {
    const start = recognise(msg);
    if (start instanceof MediaStreamError) return { kind: 'refused', error: start };
    if (start) return { kind: 'framing', framing: framing(start) };
  }
  return refuse(`no Twilio, Telnyx, Plivo, Exotel or Vonage start in the ${afterGreeting ? 'second' : 'first'} message`);
}
