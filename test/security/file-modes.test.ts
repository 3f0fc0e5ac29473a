import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/calls/recording/call-recorder';
import type { AudioFrame } from '../../src/media/frame';
import { loadOrCreateMasterKey } from '../../src/security/keys';
import { createScriptedSynthesizer } from '../../src/speech/synthesis/scripted-synthesizer';
import { cachingSynthesizer } from '../../src/speech/synthesis/synthesis-cache';
import { openStore } from '../../src/store/connect';
import { migrateToLatest } from '../../src/store/migrate';

/**
 * Issue 7, finding 9: the database, recordings and their folders were world-readable (0644/0755,
 * the umask's choice), and the speech cache kept every sentence a call spoke, names included,
 * on disk without bound. Run under umask 000, the worst a host can hand us.
 */
const mode = (p: string) => fs.statSync(p).mode & 0o777;

async function drain(frames: AsyncIterable<AudioFrame>): Promise<void> {
  for await (const _frame of frames) {
    // only the side effects matter
  }
}

describe('files aizuchi keeps about people are 0600 in 0700 folders, whatever the umask', () => {
  let root: string;
  let oldUmask: number;
  beforeEach(() => {
    oldUmask = process.umask(0o000);
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-modes-'));
  });
  afterEach(() => {
    process.umask(oldUmask);
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('the SQLite database, its -wal/-shm files and the data folder it creates', async () => {
    const dataDir = path.join(root, 'data');
    const file = path.join(dataDir, 'aizuchi.db');
    const store = openStore(`sqlite:${file}`);
    try {
      await migrateToLatest(store);
      expect(mode(dataDir)).toBe(0o700);
      for (const f of [file, `${file}-wal`, `${file}-shm`]) expect([f, mode(f)]).toEqual([f, 0o600]);
    } finally {
      await store.close();
    }
  });

  it('a database an older version left 0644 is tightened on open', async () => {
    const file = path.join(root, 'old.db');
    await openStore(`sqlite:${file}`).close();
    fs.chmodSync(file, 0o644);
    const store = openStore(`sqlite:${file}`);
    await store.close();
    expect(mode(file)).toBe(0o600);
  });

  it('the master key and its folder, also when the folder existed 0755', () => {
    const dataDir = path.join(root, 'data');
    loadOrCreateMasterKey(dataDir);
    expect(mode(path.join(dataDir, 'keys'))).toBe(0o700);
    expect(mode(path.join(dataDir, 'keys', 'master.key'))).toBe(0o600);
    fs.chmodSync(path.join(dataDir, 'keys'), 0o755);
    fs.chmodSync(path.join(dataDir, 'keys', 'master.key'), 0o644);
    loadOrCreateMasterKey(dataDir);
    expect(mode(path.join(dataDir, 'keys'))).toBe(0o700);
    expect(mode(path.join(dataDir, 'keys', 'master.key'))).toBe(0o600);
  });

  it('recordings and the recordings folder', async () => {
    const recorder = await CallRecorder.start({ dataDir: root, callId: 'call-1' });
    recorder.setConsent(true);
    recorder.addTick(new Int16Array(320), new Int16Array(320));
    const kept = await recorder.finish();
    expect(kept.kept).toBe(true);
    expect(mode(path.join(root, 'recordings'))).toBe(0o700);
    expect(mode(kept.path!)).toBe(0o600);
  });
});

describe('the speech cache is bounded and never keeps what a call says on disk', () => {
  let dir: string;
  beforeEach(() => {
    dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'aizuchi-tts-')), 'cache');
  });
  afterEach(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));

  it("a sentence with the customer's name is synthesized for the call but never written to disk", async () => {
    const cached = cachingSynthesizer(createScriptedSynthesizer(), { dir });
    await drain(cached.synthesize('猪股 太郎 様でいらっしゃいますか。', { lang: 'ja' }));
    await drain(cached.synthesize('Am I speaking with Pat Smith?', { lang: 'en' }));
    expect(fs.existsSync(dir) ? fs.readdirSync(dir) : []).toEqual([]);
  });

  it('prewarmed prompts go to disk, 0600 in a 0700 folder, and at most maxDiskEntries of them', async () => {
    const old = process.umask(0o000);
    try {
      const cached = cachingSynthesizer(createScriptedSynthesizer(), { dir, maxDiskEntries: 2 });
      await cached.prewarm(['はい。', 'いいえ。', '少々お待ちください。'], { lang: 'ja' });
      const files = fs.readdirSync(dir).filter((f) => f.endsWith('.wav'));
      expect(files).toHaveLength(2);
      expect(mode(dir)).toBe(0o700);
      for (const f of files) expect(mode(path.join(dir, f))).toBe(0o600);
    } finally {
      process.umask(old);
    }
  });

  it('memory holds at most maxEntries clips, least recently used dropped first', async () => {
    const engine = createScriptedSynthesizer();
    const cached = cachingSynthesizer(engine, { maxEntries: 2 });
    for (const text of ['a.', 'b.', 'c.', 'a.']) await drain(cached.synthesize(text, { lang: 'en' }));
    expect(engine.calls).toEqual(['a.', 'b.', 'c.', 'a.']);
  });
});
