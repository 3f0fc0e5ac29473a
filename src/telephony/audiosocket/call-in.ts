import type { CarrierEvents, CarrierLeg, IncomingCalls } from '../../channels/carrier';
import type { Lang } from '../../domain/lang';
import { errorFields } from '../../domain/errors';
import type { AudioFrame } from '../../media/frame';
import { Reframer } from '../../media/reframer';
import { StreamingResampler } from '../../media/resampler';
import type { Logger } from '../../observability/logger';
import type { Synthesizer } from '../../speech/synthesizer';
import type { FramePacer } from '../carrier';
import type { AudioSocketChannel } from './audiosocket-channel';

/**
 * What a caller who reaches aizuchi through AudioSocket hears while no call-in flow takes such calls
 * (issue 8 §5 "call in" is being built for carrier numbers; an AudioSocket UUID names no attempt we
 * placed): the company's name, that this line cannot take calls yet, and where to turn instead.
 * Nothing about any case: we do not know who is calling (AudioSocket carries no caller number).
 */
export function notTakingCallsText(lang: Lang, companyName: string): string {
  return lang === 'ja'
    ? `${companyName}です。申し訳ございません。この番号ではまだお電話をお受けできません。お手数ですが、メールでご案内した方法でお問い合わせください。`
    : `This is ${companyName}. We are sorry, this line cannot take calls yet. Please contact us as described in our email.`;
}

export interface CallInAnswerDeps {
  /** The voice engines' synthesizer and 20 ms clock, loaded on the first call. */
  voice: () => Promise<{ synthesizer: Synthesizer; pacer: FramePacer }>;
  companyName: string;
  logger: Logger;
}

async function speech(synthesizer: Synthesizer, text: string, lang: Lang, rateHz: number): Promise<AudioFrame[]> {
  const sourceRate = synthesizer.describe(lang).sampleRateHz;
  const resampler = sourceRate === rateHz ? null : new StreamingResampler(sourceRate, rateHz);
  const reframer = new Reframer(rateHz);
  const frames: AudioFrame[] = [];
  for await (const frame of synthesizer.synthesize(text, { lang })) {
    frames.push(...reframer.push(resampler ? resampler.process(frame.samples) : frame.samples));
  }
  const last = reframer.flush();
  if (last) frames.push(last);
  return frames;
}

/**
 * The handler for an AudioSocket call no attempt is bound to: says notTakingCallsText in Japanese,
 * then in English (the caller's language is unknown on an inbound line), paced one 20 ms frame per
 * tick of the voice clock, then hangs up (0x00). A caller hanging up first stops it; a synthesis
 * failure is logged and the line is hung up.
 */
export function createCallInAnswer(deps: CallInAnswerDeps): (uuid: string, channel: AudioSocketChannel) => void {
  const log = deps.logger.child({ component: 'audiosocket' });
  return (_uuid, channel) => {
    log.info('audiosocket call not bound to an attempt: told the line takes no calls yet');
    void (async () => {
      const { synthesizer, pacer } = await deps.voice();
      const frames: AudioFrame[] = [];
      for (const lang of ['ja', 'en'] as const) {
        frames.push(...(await speech(synthesizer, notTakingCallsText(lang, deps.companyName), lang, channel.sampleRateHz)));
        // A short pause between the two languages.
        for (let i = 0; i < 25; i++)
          frames.push({ samples: new Int16Array(channel.sampleRateHz / 50), sampleRateHz: channel.sampleRateHz });
      }
      if (channel.closed) return;
      await new Promise<void>((resolve) => {
        let next = 0;
        const stop = pacer.subscribe(() => {
          if (channel.closed || next >= frames.length) {
            stop();
            resolve();
            return;
          }
          channel.sendFrame(frames[next++]!);
        });
      });
      channel.close('ended');
    })().catch((err: unknown) => {
      log.error(errorFields(err), 'audiosocket announcement failed');
      channel.close('error');
    });
  };
}

export interface CallInRouteDeps {
  /** The call-in service's ring (issue 8 §5): a single-use token bound to the leg and caller ID. */
  incoming: IncomingCalls;
  /** Where that token's audio goes (the call-in service's answered). */
  answered: CarrierEvents['answered'];
  /** The number the call counts as dialled (AIZUCHI_INBOUND_NUMBER*): picks the language of the identify step. */
  to: string;
  logger: Logger;
}

/**
 * Routes every AudioSocket call into the call-in flow (identify by case reference, then the case's
 * call), as a carrier's incoming-call webhook would: the leg is `audiosocket` with the stream's UUID,
 * and the caller ID is null because AudioSocket carries none, so such a call never counts as the
 * phone on record (under policies that need the phone, a person takes the case after the match).
 * A refusal (call-in off) hangs up.
 */
export function createCallInRoute(deps: CallInRouteDeps): (uuid: string, channel: AudioSocketChannel) => void {
  const log = deps.logger.child({ component: 'audiosocket' });
  return (uuid, channel) => {
    const leg: CarrierLeg = { carrier: 'audiosocket', carrierCallId: uuid };
    void (async () => {
      const rang = await deps.incoming.ring({ leg, from: null, to: deps.to });
      if (!rang) {
        log.info('audiosocket call refused: call-in is off');
        return channel.close('refused');
      }
      const answer = await deps.answered(rang.token, channel, leg);
      if (!answer.ok) {
        log.warn({ reason: answer.reason }, 'audiosocket call not taken by call-in');
        channel.close('refused');
      }
    })().catch((err: unknown) => {
      log.error(errorFields(err), 'audiosocket call could not reach call-in');
      channel.close('error');
    });
  };
}
