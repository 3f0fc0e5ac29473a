import { describe, expect, it } from 'vitest';
import { CallSignalPath, LANE_BURST_FRAMES } from './call-signal-path';
import type { LaneSink, MediaLane } from './media-shards';
import { createScriptedVad } from '../../media/testing/scripted-vad';

/** A lane that records what reaches the shard and answers nothing (the shard is busy). */
function recordingLane() {
  const given: Int16Array[] = [];
  let sink: LaneSink | null = null;
  const lane: MediaLane = {
    inbound: (samples) => void given.push(samples),
    outbound: () => undefined,
    onLost: () => undefined,
    close: () => undefined,
  };
  return { given, open: (s: LaneSink) => ((sink = s), lane), sink: () => sink };
}

function path(lane: ReturnType<typeof recordingLane>, floods: string[]) {
  return new CallSignalPath({
    channelRateHz: 8000,
    inBandDtmf: true,
    openLane: lane.open,
    onLost: () => undefined,
    onFlood: () => floods.push('flood'),
    createVad: () => createScriptedVad().createDetector(),
    onInternal: () => undefined,
    onAnalysed: () => undefined,
    onVadFailed: () => undefined,
    isClosed: () => false,
  });
}

const frame = { samples: new Int16Array(160).fill(1000), sampleRateHz: 8000 };

describe('a call cannot flood its media shard', () => {
  it('passes a burst of up to 5 s of caller audio, drops what runs further ahead of the clock, and says so once', () => {
    const lane = recordingLane();
    const floods: string[] = [];
    const signal = path(lane, floods);
    for (let i = 0; i < LANE_BURST_FRAMES + 400; i++) signal.receive(frame);
    expect(lane.given).toHaveLength(LANE_BURST_FRAMES);
    expect(signal.dropped).toBe(400);
    expect(signal.backlog).toBe(LANE_BURST_FRAMES);
    expect(floods).toEqual(['flood']);
    // Each tick of the playout clock lets one more frame through: the flood is held to real time.
    for (let t = 0; t < 10; t++) signal.tick();
    for (let i = 0; i < 30; i++) signal.receive(frame);
    expect(lane.given).toHaveLength(LANE_BURST_FRAMES + 10);
    expect(floods).toEqual(['flood']);
  });

  it('a line that sends one frame per tick, however long, never loses one', () => {
    const lane = recordingLane();
    const floods: string[] = [];
    const signal = path(lane, floods);
    for (let t = 0; t < 5000; t++) {
      signal.receive(frame);
      signal.tick();
    }
    expect(lane.given).toHaveLength(5000);
    expect(signal.dropped).toBe(0);
    expect(floods).toEqual([]);
  });
});
