import { describe, expect, it } from 'vitest';
import { InMemoryAudioChannel } from '../../src/calls/voice/testing/in-memory-channel';
import type { PlayoutMarks } from '../../src/channels/audio-channel';
import { GatedAudio } from '../../src/telephony/carrier';

/** An in-memory channel whose far end buffers audio (AudioChannel.playout), recording marks and clears. */
function bufferedChannel() {
  const raw = new InMemoryAudioChannel({ kind: 'media-stream' });
  const marks: string[] = [];
  let clears = 0;
  const played: Array<(name: string) => void> = [];
  const playout: PlayoutMarks = {
    mark: (name) => void marks.push(name),
    clear: () => void clears++,
    onPlayed: (listener) => void played.push(listener),
  };
  Object.assign(raw, { playout });
  return { raw, marks, clears: () => clears, echo: (name: string) => played.forEach((l) => l(name)) };
}

describe('GatedAudio: the switch between the agent and a carrier call', () => {
  it('passes everything through until cut; after the cut the agent hears, sends, marks and closes nothing', () => {
    const { raw, marks, clears, echo } = bufferedChannel();
    const gated = new GatedAudio(raw);
    const heard: number[] = [];
    const echoed: string[] = [];
    let closedFor: string | null = null;
    gated.onFrame((f) => heard.push(f.samples.length));
    gated.onClose((reason) => (closedFor = reason));
    gated.playout!.onPlayed((name) => echoed.push(name));

    raw.receiveFrame(raw.silenceFrame());
    gated.sendFrame(raw.silenceFrame());
    gated.playout!.mark('p1');
    echo('p1');
    expect([heard.length, raw.sent.length, marks, echoed]).toEqual([1, 1, ['p1'], ['p1']]);

    gated.cut();
    raw.receiveFrame(raw.silenceFrame());
    gated.sendFrame(raw.silenceFrame());
    gated.playout!.mark('p2');
    gated.playout!.clear();
    echo('machine-message');
    gated.close('shutdown');
    expect([heard.length, raw.sent.length, marks, clears(), echoed]).toEqual([1, 1, ['p1'], 0, ['p1']]);
    // The call itself stays up for the machine message; its own end is not reported to the cut line.
    expect(raw.closedReason).toBeNull();
    raw.close('machine');
    expect(closedFor).toBeNull();
  });
});
