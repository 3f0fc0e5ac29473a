import { existsSync, mkdtempSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { detectDtmf } from '../../media/dtmf/detector';
import { generateDtmf } from '../../media/dtmf/generator';
import { rms } from '../../media/testing/signals';
import { SileroVadModel } from '../../media/vad/silero-vad';
import { createSynthesizer } from '../../speech/synthesis/engine-registry';
import { parseWav } from '../../media/wav';
import type { JobContext } from '../../jobs/queue';
import { RecordingJobQueue } from '../../jobs/testing/recording-job-queue';
import { openStore, type Store } from '../../store/connect';
import { migrateToLatest } from '../../store/migrate';
import { createBridgeRig, realSpeech } from '../voice/testing/voice-test-kit';
import { CallRecorder, recordingsDir } from './call-recorder';
import { recordingRoutes } from './recording-route';
import { createRecordingStore } from './recording-store';
import { recoverRecordings } from './recover-recordings';
import { createRecordingRetentionJobHandler, RECORDING_RETENTION_JOB } from './retention-job';
import { repairWavHeader, StereoWavWriter } from './stereo-wav-writer';
import { insertCallRow } from './testing-rows';

const dir = mkdtempSync(join(tmpdir(), 'aizuchi-rec-'));
// The engines these recordings were written against (the bridge rig defaults to scripted ones).
const synthesizer = createSynthesizer();
let vad: SileroVadModel;
let speech: Int16Array;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

// Real engines: the Silero VAD model and Open JTalk (Japanese speech); only this block loads them.
describe('call recording through the voice bridge on real speech (Silero, Open JTalk)', () => {
  beforeAll(async () => {
    vad = await SileroVadModel.load();
    speech = await realSpeech(dir, 'ja', 'はい、メールを開きます。番号を読みますね。', 'ja', 8000);
  });

  afterAll(async () => {
    await vad?.release();
  });

  it('writes caller left / agent right at 16 kHz and writes silence while the code is entered', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const recorder = await CallRecorder.start({ dataDir, callId: 'call-1' });
    const rig = createBridgeRig({ vad, recorder, synthesizer });
    rig.bridge.apply({ type: 'say', text: 'メールをご確認ください。', interruptible: true });
    await rig.bridge.synthesized();
    await rig.play(rig.channel.framesOf(speech, 8000)); // agent speaks while the caller talks over it
    const beforePause = rig.clock.ticks;
    rig.bridge.apply({ type: 'pause_recording' });
    const code = generateDtmf('12675693', { sampleRateHz: 8000, durationMs: 120, gapMs: 120 });
    await rig.play(rig.channel.framesOf(code, 8000));
    await rig.play(rig.channel.framesOf(speech, 8000)); // the code read aloud (speech stands in)
    const resumeAt = rig.clock.ticks;
    rig.bridge.apply({ type: 'resume_recording' });
    await rig.play(rig.channel.framesOf(speech, 8000));
    expect(
      rig.events
        .filter((e) => e.type === 'dtmf')
        .map((e) => (e.type === 'dtmf' ? e.digits : ''))
        .join(''),
    ).toBe('12675693');
    recorder.setConsent(true);
    const result = await rig.bridge.close();
    expect(result).toMatchObject({ kept: true, path: join(recordingsDir(dataDir), 'call-1.wav') });

    const wav = parseWav(await readFile(result?.path ?? ''));
    expect(wav.sampleRateHz).toBe(16000);
    expect(wav.channels).toHaveLength(2);
    const [caller, agent] = wav.channels as [Int16Array, Int16Array];
    expect(caller.length).toBe(rig.clock.ticks * 320);
    // Caller speech before the pause, agent prompt on the right.
    expect(rms(caller.subarray(0, beforePause * 320))).toBeGreaterThan(300);
    expect(rms(agent.subarray(0, beforePause * 320))).toBeGreaterThan(300);
    // Paused span (allowing the one frame the caller lane may lag): every sample zero, both sides.
    const from = (beforePause + 1) * 320;
    const to = resumeAt * 320;
    expect(caller.subarray(from, to).every((s) => s === 0)).toBe(true);
    expect(agent.subarray(from, to).every((s) => s === 0)).toBe(true);
    expect(detectDtmf(caller, 16000)).toEqual([]);
    // After the resume the caller is heard again.
    expect(rms(caller.subarray((resumeAt + 2) * 320))).toBeGreaterThan(300);
  });

  it('keeps nothing when the caller declines (stop) or never answers the consent question', async () => {
    const dataDir = mkdtempSync(join(dir, 'data-'));
    const declined = await CallRecorder.start({ dataDir, callId: 'declined' });
    const rig = createBridgeRig({ vad, recorder: declined, synthesizer });
    await rig.play(rig.channel.framesOf(speech, 8000));
    rig.bridge.apply({ type: 'stop_recording' });
    await rig.play(rig.channel.framesOf(speech, 8000));
    expect(await rig.bridge.close()).toMatchObject({ kept: false, path: null });
    expect(existsSync(join(recordingsDir(dataDir), 'declined.wav'))).toBe(false);

    const unanswered = await CallRecorder.start({ dataDir, callId: 'unanswered' });
    unanswered.addTick(new Int16Array(320).fill(1000), null);
    expect(await unanswered.finish()).toMatchObject({ kept: false });
    expect(existsSync(join(recordingsDir(dataDir), 'unanswered.wav'))).toBe(false);
  });
});

describe('crash safety', () => {
  it('a recording cut off mid-call is a playable WAV, and the next start repairs its header', async () => {
    const path = join(dir, 'crash.wav');
    const writer = await StereoWavWriter.create(path, 16000, { flushEveryMs: 100 });
    for (let i = 0; i < 50; i++) writer.write(new Int16Array(320).fill(i), new Int16Array(320).fill(-i));
    await writer.flush();
    // No close(): the process died here. What is on disk already parses with the right length.
    const cut = parseWav(await readFile(path));
    expect(cut.channels[0]?.length).toBe(50 * 320);
    // A torn write after the last header update: audio beyond the header, plus half a sample pair.
    appendFileSync(path, Buffer.alloc(4 * 320 + 2, 1));
    expect(await repairWavHeader(path)).toBe(true);
    const repaired = parseWav(await readFile(path));
    expect(repaired.channels[0]?.length).toBe(51 * 320);
    expect(repaired.channels[1]?.[49 * 320]).toBe(-49);
    expect(await repairWavHeader(path)).toBe(false);
  });

  it('reuses its flush buffers without mixing audio: every sample on disk is the one written, with writes in flight', async () => {
    const path = join(dir, 'reuse.wav');
    // One flush per tick and nothing awaited: buffers come back from disk while others are filling.
    const writer = await StereoWavWriter.create(path, 16000, { flushEveryMs: 20 });
    const ticks = 300;
    const left = (t: number, k: number) => ((t * 331 + k * 7) % 60000) - 30000;
    for (let t = 0; t < ticks; t++) {
      writer.write(
        Int16Array.from({ length: 320 }, (_, k) => left(t, k)),
        Int16Array.from({ length: 320 }, (_, k) => -left(t, k)),
      );
      if (t % 37 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    await writer.close();
    const wav = parseWav(await readFile(path));
    expect(wav.channels[0]?.length).toBe(ticks * 320);
    const wrong = [];
    for (let t = 0; t < ticks; t++)
      for (let k = 0; k < 320; k++)
        if (wav.channels[0]?.[t * 320 + k] !== left(t, k) || wav.channels[1]?.[t * 320 + k] !== -left(t, k)) wrong.push([t, k]);
    expect(wrong.slice(0, 5)).toEqual([]);
  });
});

describe('recordings in the store: retention, recovery, console route', () => {
  let store: Store;
  const dataDir = mkdtempSync(join(tmpdir(), 'aizuchi-rec-store-'));
  const rec = (id: string) => join(recordingsDir(dataDir), `${id}.wav`);

  beforeAll(async () => {
    store = openStore(`sqlite:${join(dataDir, 'test.db')}`);
    await migrateToLatest(store);
    await (await CallRecorder.start({ dataDir, callId: 'old' })).finish(); // directory exists
    for (const id of ['old', 'new', 'deleted-by-hand']) writeFileSync(rec(id), Buffer.alloc(44));
    await insertCallRow(store, {
      callId: 'old',
      caseId: 'case-1',
      createdAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:10:00.000Z',
      recordingPath: rec('old'),
    });
    await insertCallRow(store, {
      callId: 'new',
      caseId: 'case-1',
      createdAt: '2026-03-01T00:00:00.000Z',
      endedAt: '2026-03-01T00:10:00.000Z',
      recordingPath: rec('new'),
    });
    await insertCallRow(store, {
      callId: 'deleted-by-hand',
      caseId: 'case-1',
      createdAt: '2026-01-02T00:00:00.000Z',
      endedAt: null,
      recordingPath: rec('deleted-by-hand'),
    });
    rmSync(rec('deleted-by-hand'));
  });

  afterAll(async () => {
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('the retention job deletes expired recordings, marks the calls and books its next run', async () => {
    const now = new Date('2026-03-10T00:00:00.000Z');
    const queue = new RecordingJobQueue({ now: () => now });
    const handler = createRecordingRetentionJobHandler({ store, queue, clock: { now: () => now }, dataDir, retentionDays: 30 });
    const ctx: JobContext = { jobId: 'j', attempt: 1, signal: new AbortController().signal, complete: (fn) => fn(store.db) };
    await handler({}, ctx);
    expect(existsSync(rec('old'))).toBe(false);
    expect(existsSync(rec('new'))).toBe(true);
    const rows = await store.db.selectFrom('calls').select(['id', 'recording_deleted_at']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 'deleted-by-hand', recording_deleted_at: now.toISOString() },
      { id: 'new', recording_deleted_at: null },
      { id: 'old', recording_deleted_at: now.toISOString() },
    ]);
    expect(queue.jobs.map((j) => ({ kind: j.kind, runAt: j.runAt }))).toEqual([
      { kind: RECORDING_RETENTION_JOB, runAt: new Date(now.getTime() + 86_400_000) },
    ]);
  });

  it('start-up recovery removes old files no consented call owns and leaves kept ones', async () => {
    writeFileSync(rec('orphan'), Buffer.alloc(44));
    const later = { now: () => new Date(Date.now() + 7 * 3_600_000) };
    const result = await recoverRecordings({ store, dataDir, clock: later });
    expect(result.removed).toBe(1);
    expect(existsSync(rec('orphan'))).toBe(false);
    expect(existsSync(rec('new'))).toBe(true);
  });

  it('streams a kept recording to operators only, by byte range for seeking, and reports each listen once', async () => {
    const app = Fastify();
    const listens: { callId: string; caseId: string }[] = [];
    await app.register(
      recordingRoutes({
        recordings: createRecordingStore(store),
        requireOperator: async (req, reply) => {
          if (req.headers['x-operator'] !== 'yes') await reply.code(403).send('forbidden');
        },
        listened: async (_req, call) => void listens.push(call),
      }),
    );
    writeFileSync(rec('new'), Buffer.from('RIFF-test-bytes'));
    const ok = await app.inject({ url: '/console/calls/new/recording.wav', headers: { 'x-operator': 'yes' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['content-type']).toBe('audio/wav');
    expect(ok.headers['accept-ranges']).toBe('bytes');
    expect(ok.body).toBe('RIFF-test-bytes');
    // The player seeking: a later range is the same listen; a new play from the first byte is another.
    const part = await app.inject({ url: '/console/calls/new/recording.wav', headers: { 'x-operator': 'yes', range: 'bytes=5-8' } });
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 5-8/15');
    expect(part.body).toBe('test');
    expect(listens).toEqual([{ callId: 'new', caseId: 'case-1' }]);
    const from0 = await app.inject({ url: '/console/calls/new/recording.wav', headers: { 'x-operator': 'yes', range: 'bytes=0-' } });
    expect([from0.statusCode, from0.body]).toEqual([206, 'RIFF-test-bytes']);
    expect(listens).toHaveLength(2);
    const beyond = await app.inject({ url: '/console/calls/new/recording.wav', headers: { 'x-operator': 'yes', range: 'bytes=99-' } });
    expect([beyond.statusCode, beyond.headers['content-range']]).toEqual([416, 'bytes */15']);
    expect((await app.inject({ url: '/console/calls/new/recording.wav' })).statusCode).toBe(403);
    expect((await app.inject({ url: '/console/calls/old/recording.wav', headers: { 'x-operator': 'yes' } })).statusCode).toBe(404);
    expect((await app.inject({ url: '/console/calls/..%2Fetc/recording.wav', headers: { 'x-operator': 'yes' } })).statusCode).toBe(404);
    await app.close();
  });
});
