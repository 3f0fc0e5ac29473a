import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import twilio from 'twilio';
import { z } from 'zod';
import type { CarrierEvents, IncomingCalls } from '../../channels/carrier';
import type { Logger } from '../../observability/logger';
import { mediaStreamUrl } from '../public-urls';
import { TWILIO_AMD_PATH, TWILIO_STATUS_PATH } from './twilio-carrier';
import { twilioProgress } from './status-callback';
import { rejectTwiml, streamTwiml } from './twiml';

/** Where the Twilio number's "A call comes in" webhook points (README "Customers calling in"). */
export const TWILIO_VOICE_PATH = '/telephony/twilio/voice';

export interface TwilioWebhookDeps {
  /** AIZUCHI_TWILIO_AUTH_TOKEN: the HMAC key Twilio signs with. */
  authToken: string;
  /** AIZUCHI_PUBLIC_URL: Twilio signs the URL it was given, which is this one, not the address the request arrived on. */
  publicUrl: string;
  events: CarrierEvents;
  /** Call-in (issue 8 §5); absent: incoming calls are rejected. */
  incoming?: IncomingCalls;
  logger: Logger;
}

type FormBody = Record<string, string | string[]>;

const callSid = z.string().regex(/^CA[0-9a-fA-F]{32}$/, 'a Twilio call SID');

/**
 * Status-callback fields we read (zod, issue 10); Twilio sends more, all of which are signed. A
 * loose object: the signature check (preValidation, before this schema) sees the form as received,
 * and the fields we do not read pass through untouched.
 */
const bodySchema = z.looseObject({
  CallSid: callSid,
  AccountSid: z.string().optional(),
  CallStatus: z.string().max(32).optional(),
  AnsweredBy: z.string().max(32).optional(),
  SequenceNumber: z
    .string()
    .regex(/^[0-9]{1,9}$/)
    .optional(),
  SipResponseCode: z
    .string()
    .regex(/^[0-9]{3}$/)
    .optional(),
});

/**
 * The incoming-call webhook's fields we read (Twilio's voice request parameters: CallSid, AccountSid,
 * From, To, CallStatus=ringing, Direction=inbound, …; all signed). `From` is the caller ID as the
 * network gave it: E.164, or a placeholder such as `anonymous` or `+266696687` when withheld.
 */
const voiceBodySchema = z.looseObject({
  CallSid: callSid,
  AccountSid: z.string().optional(),
  From: z.string().max(64).optional(),
  To: z.string().max(64),
  Direction: z.string().max(32).optional(),
});

/**
 * Placeholder caller IDs Twilio gives when the network withholds the number: the keypad spellings of
 * ANONYMOUS, UNAVAILABLE, RESTRICTED, BLOCKED and UNKNOWN (Twilio's voice webhook `From` docs).
 */
const WITHHELD = new Set(['+266696687', '+86282452253', '+7378742833', '+2562533', '+8656696']);

/** E.164 caller ID, or null when withheld or not a number: only a real number can be compared with the one on record. */
export function callerE164(from: string | undefined): string | null {
  if (!from || !/^\+[1-9]\d{6,14}$/u.test(from) || WITHHELD.has(from)) return null;
  return from;
}

/**
 * `X-Twilio-Signature` check (TELEPHONY.md §1.6): HMAC-SHA1, keyed with the auth token, over the
 * full URL Twilio requested (our public URL + the path + any query) followed by the POST parameters
 * sorted by name, compared in constant time — the helper's `validateRequest` does exactly this
 * (scmp), also trying the URL with and without the default port as proxies differ.
 */
export function verifyTwilioSignature(authToken: string, signature: unknown, url: string, params: FormBody): boolean {
  if (typeof signature !== 'string' || signature.length === 0 || signature.length > 128) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/**
 * Twilio's webhooks: `POST /telephony/twilio/status` (call progress: initiated, ringing, answered,
 * completed/busy/no-answer/failed/canceled) and `POST /telephony/twilio/amd` (the async AMD
 * verdict). Both are form-encoded and signed; an unsigned or wrongly signed request is answered
 * 403 before anything reads it. Each accepted request becomes `CarrierEvents.progress` steps for
 * the leg named by `CallSid`; callbacks are separate requests that may arrive out of order, and
 * `progress` keeps the furthest state, so a late `ringing` never undoes `completed` (§1.2).
 * Answers 204 (Twilio ignores the body). `POST /telephony/twilio/voice` (the number's incoming-call
 * webhook, signed the same way) answers TwiML: `<Connect><Stream>` with a single-use token from
 * `deps.incoming`, or `<Reject>` when call-in is off.
 */
export function twilioWebhooks(deps: TwilioWebhookDeps): FastifyPluginAsync {
  const base = deps.publicUrl.replace(/\/+$/u, '');
  const publicPathPrefix = new URL(base).pathname.replace(/\/+$/u, '');
  return async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    const verify = async (req: FastifyRequest, reply: FastifyReply) => {
      const body = (req.body ?? {}) as FormBody;
      const query = req.url.includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
      // The public URL's origin and path prefix, then the route's own path as Twilio was told it.
      const signedUrl = `${new URL(base).origin}${publicPathPrefix}${req.routeOptions.url ?? ''}${query}`;
      if (typeof body !== 'object' || !verifyTwilioSignature(deps.authToken, req.headers['x-twilio-signature'], signedUrl, body)) {
        deps.logger.warn({ route: req.routeOptions.url }, 'twilio webhook refused: bad or missing signature');
        return reply.code(403).send({ error: 'forbidden', message: 'invalid Twilio signature' });
      }
    };
    const handle = async (req: FastifyRequest, reply: FastifyReply) => {
      const body = req.body as Record<string, string>;
      const leg = { carrier: 'twilio', carrierCallId: body.CallSid ?? '' } as const;
      for (const step of twilioProgress(body)) await deps.events.progress(leg, step);
      deps.logger.debug({ carrierCallId: leg.carrierCallId, status: body.CallStatus, sequence: body.SequenceNumber }, 'twilio callback');
      return reply.code(204).send();
    };
    for (const path of [TWILIO_STATUS_PATH, TWILIO_AMD_PATH]) {
      app.post(path, { schema: { body: bodySchema }, preValidation: verify }, handle);
    }
    // A customer calls the number (issue 8 §5): answer with a stream carrying a fresh single-use token.
    app.post(TWILIO_VOICE_PATH, { schema: { body: voiceBodySchema }, preValidation: verify }, async (req, reply) => {
      const body = req.body as Record<string, string>;
      const leg = { carrier: 'twilio', carrierCallId: body.CallSid ?? '' } as const;
      const answer = deps.incoming ? await deps.incoming.ring({ leg, from: callerE164(body.From), to: body.To ?? '' }) : null;
      deps.logger.info({ carrierCallId: leg.carrierCallId, taken: answer !== null }, 'twilio incoming call');
      reply.type('text/xml');
      if (!answer) return reply.code(200).send(rejectTwiml());
      return reply.code(200).send(streamTwiml({ streamUrl: mediaStreamUrl(base), token: answer.token }));
    });
  };
}
