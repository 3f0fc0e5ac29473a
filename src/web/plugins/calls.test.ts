import { describe, expect, it } from 'vitest';
import type { CallService } from '../../calls/call-service';
import type { CallRow } from '../../calls/call-records';
import type { CallFigures } from '../../calls/call-figures';
import { callsCaseSection } from './calls';

const call: CallRow = {
  id: 'call-1',
  case_id: 'case-1',
  channel: 'softphone',
  state: 'ended',
  token_hash: 'h',
  token_expires_at: null,
  started_at: '2026-01-06T01:00:00.000Z',
  ended_at: '2026-01-06T01:04:00.000Z',
  outcome: 'mfa_reset',
  recording_path: '/data/recordings/call-1.wav',
  recording_deleted_at: null,
  proves_phone_possession: 0,
  created_at: '2026-01-06T01:00:00.000Z',
};

const figures: CallFigures = {
  replies: 4,
  latencyP50Ms: 640,
  latencyP95Ms: 1320,
  recognizer: 'whisper-http',
  recognized: 5,
  noMatch: 1,
  meanConfidence: 0.87,
  lowConfidence: 1,
  bargeIns: 2,
  recordingStartedAt: '2026-01-06T01:00:00.500Z',
  recordedMs: 240_000,
  recordingGaps: [{ fromMs: 10_000, toMs: 20_000 }],
};

const transcript = [
  { speaker: 'agent', text: '猪股様でいらっしゃいますか。', at: '2026-01-06T01:00:01.000Z' },
  { speaker: 'caller', text: '<script>alert(1)</script>', at: '2026-01-06T01:00:02.000Z' },
  { speaker: 'agent', text: 'ありがとうございました。', at: '2026-01-06T01:00:25.500Z' },
];

const fake = (items: Awaited<ReturnType<CallService['callsForCase']>>) => ({ callsForCase: async () => items });
const history = (data: unknown) => async () => [{ kind: 'call_ended', data: JSON.stringify(data) }];
const peaks = async () => ({ durationMs: 240_000, caller: [0.1, 0.5, 0, 0.2], agent: [0.3, 0, 0, 0.4] });

describe('console calls section', () => {
  it('shows each call in the operator language and the business zone: figures, waveform with the paused gap, lines with offsets', async () => {
    const section = callsCaseSection(fake([{ call, transcript }]), { history: history({ callId: 'call-1', figures }), peaks });
    const ja = (await section('case-1', { lang: 'ja', timeZone: 'Asia/Tokyo' })).value;
    expect(ja).toContain('ブラウザー電話の通話 · 多要素認証をリセット');
    // 01:00 UTC is 10:00 JST, named.
    expect(ja).toContain('開始 2026-01-06 10:00:00 JST');
    // No UTC in what is shown (the <time datetime> attribute stays machine-readable ISO).
    expect(ja.replace(/<[^>]*>/g, '')).not.toMatch(/\d{2}:\d{2}:\d{2}(\.\d+)?Z/);
    expect(ja).toContain('中央値 640 ms · 95パーセンタイル 1.3 s（4回）');
    expect(ja).toContain('<code>whisper-http</code> · 認識 5回 · 認識できず 1回 · 平均信頼度 0.87 · 0.5未満 1回');
    expect(ja).toContain('data-testid="figure-barge-ins">2<');
    expect(ja).toContain('data-testid="waveform"');
    // The gap spans 10–20 s of 240 s: x = 40, width = 40 of 960.
    expect(ja).toMatch(/data-testid="waveform-gap" x="40.0" width="40.0"/);
    // Offsets count from the recording's first sample (00.5 s): 0.5 s, 1.5 s, 25.0 s; the gap falls before the last line.
    const offsets = [...ja.matchAll(/data-testid="(transcript-line|transcript-gap)" data-offset="([\d.]+)"/g)].map(
      (m) => `${m[1]}@${m[2]}`,
    );
    expect(offsets).toEqual(['transcript-line@0.50', 'transcript-line@1.50', 'transcript-gap@10.00', 'transcript-line@25.00']);
    expect(ja).toContain('0:10–0:20 録音一時停止');
    expect(ja).toContain('href="/console/calls/call-1/recording.wav#t=25.00"');
    expect(ja).toContain('&lt;script&gt;alert(1)');
    expect(ja).not.toContain('<script>alert');

    const en = (await section('case-1', { lang: 'en', timeZone: 'Asia/Tokyo' })).value;
    expect(en).toContain('Softphone call · MFA reset');
    expect(en).toContain('Started 2026-01-06 10:00:00 JST');
    expect(en).toContain('p50 640 ms · p95 1.3 s (4 replies)');
    expect(en).toContain('0:10–0:20 recording paused');
  });

  it('a text call without a recording: no player, offsets from the call start, and a note when no figures were kept', async () => {
    const text = { ...call, channel: 'text', recording_path: null };
    const section = callsCaseSection(fake([{ call: text, transcript }]), { history: async () => [], peaks });
    const en = (await section('case-1', { lang: 'en', timeZone: 'Asia/Tokyo' })).value;
    expect(en).not.toContain('<audio');
    expect(en).toContain('data-offset="1.00"');
    expect(en).toContain('No figures were kept for this call');
    expect(en).toContain('data-testid="figure-duration">240.0 s<');
  });

  it('says so when the case has no calls, in either language', async () => {
    const section = callsCaseSection(fake([]), { history: async () => [] });
    expect((await section('case-1', { lang: 'en', timeZone: 'Asia/Tokyo' })).value).toContain('No calls yet.');
    expect((await section('case-1', { lang: 'ja', timeZone: 'Asia/Tokyo' })).value).toContain('通話はまだありません。');
  });
});
