import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import { TelnyxWebhook } from 'telnyx/lib/webhooks';
import { z } from 'zod';
import type { CarrierEvents } from '../../channels/carrier';
import type { Logger } from '../../observability/logger';
import { TELNYX_WEBHOOK_PATH } from './telnyx-carrier';
import { type TelnyxWebhookData, telnyxProgress } from './telnyx-events';

export interface TelnyxWebhookDeps {
  /** AIZUCHI_TELNYX_PUBLIC_KEY: base64 Ed25519 public key from the Telnyx portal. */
  publicKey: string;
  events: CarrierEvents;
  logger: Logger;
}

const rawBodies = new WeakMap<FastifyRequest, string>();

/** The event fields we read (zod, issue 10); loose objects, since the signature covers the raw bytes and Telnyx sends more. */
const bodySchema = z.looseObject({
  data: z.looseObject({
    event_type: z.string().max(100),
    payload: z.looseObject({
      call_control_id: z.string().min(1).max(200),
      hangup_cause: z.string().max(64).optional(),
      sip_hangup_cause: z.string().max(8).optional(),
      result: z.string().max(64).optional(),
    }),
  }),
});

/**
 * Telnyx's signature check (TELEPHONY.md §2.2), by the SDK's verifier: Ed25519 over
 * `<telnyx-timestamp>|<raw body>` with the account's public key, and a timestamp more than 300 s
 * from now refused (replays). Resolves true only for a valid signature on these exact bytes.
 */
export async function verifyTelnyxSignature(publicKey: string, rawBody: string, headers: Record<string, unknown>): Promise<boolean> {
  const signature = headers['telnyx-signature-ed25519'];
  const timestamp = headers['telnyx-timestamp'];
  if (typeof signature !== 'string' || typeof timestamp !== 'string') return false;
  try {
    await new TelnyxWebhook(publicKey).verify(rawBody, { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp });
    return true;
  } catch {
    return false;
  }
}

/**
 * `POST /telephony/telnyx/webhook`: Call Control events for calls aizuchi dialled. The body is
 * kept raw (the signature covers the bytes, not a re-serialisation), verified before anything
 * reads it — unsigned, wrongly signed or older than 5 minutes → 403 and nothing changes — then
 * each event becomes `CarrierEvents.progress` for the leg named by `call_control_id`. Telnyx
 * retries non-2xx deliveries, and `progress` is idempotent, so a repeat changes nothing. 200 `{}`.
 */
export function telnyxWebhooks(deps: TelnyxWebhookDeps): FastifyPluginAsync {
  return async (app) => {
    app.setValidatorCompiler(validatorCompiler);
    // This plugin's own JSON parser (encapsulated: other routes keep Fastify's): keep the raw text for the signature.
    app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
      rawBodies.set(req, String(body));
      try {
        done(null, JSON.parse(String(body)) as unknown);
      } catch {
        done(Object.assign(new Error('Body is not valid JSON'), { statusCode: 400, code: 'bad_json' }), undefined);
      }
    });
    const verify = async (req: FastifyRequest, reply: FastifyReply) => {
      const raw = rawBodies.get(req);
      if (raw === undefined || !(await verifyTelnyxSignature(deps.publicKey, raw, req.headers))) {
        deps.logger.warn({ route: TELNYX_WEBHOOK_PATH }, 'telnyx webhook refused: bad, missing or stale signature');
        return reply.code(403).send({ error: 'forbidden', message: 'invalid Telnyx signature' });
      }
    };
    app.post(TELNYX_WEBHOOK_PATH, { schema: { body: bodySchema }, preValidation: verify }, async (req, reply) => {
      const { data } = req.body as { data: TelnyxWebhookData };
      const leg = { carrier: 'telnyx', carrierCallId: data.payload.call_control_id } as const;
      for (const step of telnyxProgress(data)) await deps.events.progress(leg, step);
      deps.logger.debug({ carrierCallId: leg.carrierCallId, event: data.event_type }, 'telnyx webhook');
      return reply.code(200).send({});
    });
  };
}
