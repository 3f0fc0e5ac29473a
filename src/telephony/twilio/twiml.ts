import twilio from 'twilio';

/**
 * The call's TwiML: `<Response><Connect><Stream url="…"><Parameter name="token" …/><Parameter
 * name="callId" …/></Stream></Connect></Response>`. `<Connect>` makes the stream bidirectional
 * (audio, mark and clear back to Twilio, DTMF delivered; TELEPHONY.md §1.3); the parameters come
 * back in the stream's `start.customParameters`. Built with the helper's VoiceResponse, which
 * XML-escapes attribute values. Twilio caps inline TwiML at 4000 characters (§1.1); ours is ~300.
 */
export function streamTwiml(opts: { streamUrl: string; token: string; callId?: string }): string {
  const response = new twilio.twiml.VoiceResponse();
  const stream = response.connect().stream({ url: opts.streamUrl });
  stream.parameter({ name: 'token', value: opts.token });
  if (opts.callId) stream.parameter({ name: 'callId', value: opts.callId });
  return response.toString();
}

/**
 * The answer to an incoming call aizuchi does not take (call-in off): `<Response><Reject
 * reason="rejected"/></Response>`, so the caller hears the carrier's busy/rejected tone and Twilio
 * bills nothing (TELEPHONY.md §1; Twilio's TwiML `<Reject>` verb).
 */
export function rejectTwiml(): string {
  const response = new twilio.twiml.VoiceResponse();
  response.reject({ reason: 'rejected' });
  return response.toString();
}
