import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { encodeWav, readWavFile, type WavAudio } from '../../../media/wav';

/**
 * The real test bed of TELEPHONY.md §4.8 on loopback: Kamailio (Debian 12 `kamailio`) as the trunk —
 * a proxy/registrar that challenges REGISTER (401) and INVITE (407) — and baresip (`baresip-core`)
 * as the customer's phone, registered as an E.164 number, playing a WAV as the caller's voice
 * (aufile), recording what it hears (sndfile) and keying digits over its ctrl_tcp socket. Both run
 * as child processes in a temp dir and are stopped by `stop()`. scripts/setup.sh installs them; a
 * missing binary is an error here, never a skipped test.
 */

export const LAB_PASSWORD = 'lab-secret';
export const LAB_USER = 'aizuchi';
export const LAB_PHONE = '+819012345678';

function requireBinary(name: string, pkg: string): void {
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  if (found.status !== 0) throw new Error(`${name} is not installed: run scripts/setup.sh (it installs the Debian package ${pkg})`);
}

/** A port free for both UDP and TCP on 127.0.0.1 (and, with `pair`, the next one too: baresip binds TLS on port + 1). */
async function freePort(pair = false): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const port = 21000 + Math.floor(Math.random() * 20000) * 2;
    const ports = pair ? [port, port + 1] : [port];
    const ok = await Promise.all(ports.map((p) => bindable(p)));
    if (ok.every(Boolean)) return port;
  }
  throw new Error('no free port pair on 127.0.0.1');
}

async function bindable(port: number): Promise<boolean> {
  const tcpOk = await new Promise<boolean>((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
  if (!tcpOk) return false;
  return new Promise<boolean>((resolve) => {
    const u = dgram.createSocket('udp4');
    u.once('error', () => resolve(false));
    u.bind(port, '127.0.0.1', () => u.close(() => resolve(true)));
  });
}

/** Debian puts Kamailio's modules under the multiarch triplet (x86_64-linux-gnu, aarch64-linux-gnu, …). */
function kamailioModules(): string {
  for (const entry of readdirSync('/usr/lib')) {
    const dir = path.join('/usr/lib', entry, 'kamailio', 'modules');
    if (existsSync(path.join(dir, 'tm.so'))) return `${dir}/`;
  }
  throw new Error('Kamailio modules not found under /usr/lib/*/kamailio/modules: run scripts/setup.sh (Debian package kamailio)');
}

function kamailioConfig(port: number, algorithm: 'MD5' | 'SHA-256'): string {
  // The routing logic of §4.8: challenge REGISTER and INVITE, record-route, relay in-dialog requests.
  return `#!KAMAILIO
debug=2
log_stderror=yes
fork=yes
children=2
tcp_children=1
auto_aliases=no
listen=udp:127.0.0.1:${port}
listen=tcp:127.0.0.1:${port}
mpath="${kamailioModules()}"
loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "auth.so"
modparam("usrloc", "db_mode", 0)
modparam("auth", "algorithm", "${algorithm}")
modparam("auth", "qop", "auth")
request_route {
  if (!mf_process_maxfwd_header("10")) { sl_send_reply("483", "Too Many Hops"); exit; }
  if (has_totag()) {
    if (loose_route()) { t_relay(); exit; }
    if (is_method("ACK")) { if (t_check_trans()) { t_relay(); } exit; }
    if (!t_relay()) sl_reply_error();
    exit;
  }
  if (is_method("CANCEL")) { if (t_check_trans()) t_relay(); exit; }
  if (is_method("REGISTER")) {
    if (!pv_www_authenticate("$td", "${LAB_PASSWORD}", "0")) { www_challenge("$td", "0"); exit; }
    consume_credentials();
    save("location");
    exit;
  }
  if (is_method("INVITE")) {
    if (!pv_proxy_authenticate("$fd", "${LAB_PASSWORD}", "0")) { proxy_challenge("$fd", "0"); exit; }
    consume_credentials();
    record_route();
    if (!lookup("location")) { sl_send_reply("404", "Not Found"); exit; }
    t_relay();
    exit;
  }
  if (is_method("OPTIONS")) { sl_send_reply("200", "OK"); exit; }
  sl_send_reply("405", "Method Not Allowed");
}
`;
}

function baresipConfig(dir: string, sipPort: number, ctrlPort: number, rtpPort: number): string {
  return [
    'poll_method epoll',
    `sip_listen 127.0.0.1:${sipPort}`,
    'audio_player alsa,null',
    `audio_source aufile,${path.join(dir, 'caller.wav')}`,
    `audio_alert aufile,${path.join(dir, 'caller.wav')}`,
    'ausrc_srate 8000',
    'ausrc_channels 1',
    'auplay_srate 8000',
    'auplay_channels 1',
    `rtp_ports ${rtpPort}-${rtpPort + 20}`,
    `snd_path ${path.join(dir, 'rec')}`,
    'module_path /usr/lib/baresip/modules',
    'module g711.so',
    'module aufile.so',
    'module alsa.so',
    'module sndfile.so',
    'module account.so',
    'module menu.so',
    'module ctrl_tcp.so',
    `ctrl_tcp_listen 127.0.0.1:${ctrlPort}`,
    '',
  ].join('\n');
}

export interface BaresipEvent {
  readonly class?: string;
  readonly type?: string;
  readonly param?: string;
}

export interface SipLab {
  /** AIZUCHI_SIP_TRUNK for aizuchi. */
  readonly trunk: string;
  readonly dir: string;
  /** Events baresip reported so far (CALL_INCOMING, CALL_ESTABLISHED, CALL_CLOSED, …). */
  readonly events: BaresipEvent[];
  /** Resolves with the first event of `type` (already seen ones count). */
  waitForEvent(type: string, timeoutMs?: number): Promise<BaresipEvent>;
  /** Sends a ctrl_tcp command (`hangup`, `accept`, `sndcode 1234#`, `answermode manual`). */
  command(line: string): Promise<void>;
  /** What baresip heard on its calls so far (sndfile's `-dec.wav` files), oldest first. */
  recordings(): Promise<WavAudio[]>;
  stop(): Promise<void>;
}

export interface SipLabOptions {
  readonly algorithm?: 'MD5' | 'SHA-256';
  /** baresip's answer mode: `auto` picks up at once; `manual` rings until a command. */
  readonly answermode?: 'auto' | 'manual';
  /** The caller's voice (8 kHz mono); baresip hangs up when it ends, so pad it long enough. */
  readonly callerVoice: Int16Array;
}

/** Starts Kamailio and a registered baresip; rejects (after cleaning up) if either does not come up. */
export async function startSipLab(o: SipLabOptions): Promise<SipLab> {
  requireBinary('kamailio', 'kamailio');
  requireBinary('baresip', 'baresip-core');
  const dir = await mkdtemp(path.join(tmpdir(), 'aizuchi-sip-lab-'));
  const children: ChildProcess[] = [];
  const logs: string[] = [];
  let ctrl: net.Socket | null = null;
  const stop = async () => {
    ctrl?.destroy();
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 3000).unref();
          }),
      ),
    );
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const kamPort = await freePort();
    await writeFile(path.join(dir, 'kamailio.cfg'), kamailioConfig(kamPort, o.algorithm ?? 'MD5'));
    const kam = spawn('kamailio', ['-f', path.join(dir, 'kamailio.cfg'), '-DD', '-E', '-w', dir, '-P', path.join(dir, 'kamailio.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(kam);
    kam.stderr.on('data', (b: Buffer) => logs.push(`kamailio: ${b.toString()}`));
    await waitForTcp(kamPort, 10_000, () => logs.join(''));

    const sipPort = await freePort(true);
    const ctrlPort = await freePort();
    const rtpPort = await freePort();
    await writeFile(path.join(dir, 'config'), baresipConfig(dir, sipPort, ctrlPort, rtpPort));
    await writeFile(
      path.join(dir, 'accounts'),
      `<sip:${LAB_PHONE}@127.0.0.1:${kamPort};transport=udp>;auth_pass=${LAB_PASSWORD};answermode=${o.answermode ?? 'auto'};audio_codecs=pcmu,pcma\n`,
    );
    await writeFile(path.join(dir, 'caller.wav'), encodeWav({ sampleRateHz: 8000, channels: [o.callerVoice] }));
    await mkdir(path.join(dir, 'rec'));
    const bare = spawn('baresip', ['-f', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(bare);
    let out = '';
    const registered = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`baresip did not register with Kamailio:\n${out}\n${logs.join('')}`)), 15_000);
      bare.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        if (/200 OK.*\[1 binding\]/.test(out)) {
          clearTimeout(timer);
          resolve();
        }
      });
      bare.once('exit', (code) => reject(new Error(`baresip exited (${code}):\n${out}`)));
    });
    bare.stderr.on('data', (b: Buffer) => (out += b.toString()));
    await registered;
    await waitForTcp(ctrlPort, 5000, () => out);
    ctrl = net.connect(ctrlPort, '127.0.0.1');
    const socket = ctrl;
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const events: BaresipEvent[] = [];
    const waiters: Array<() => void> = [];
    let buffered = '';
    socket.on('data', (b: Buffer) => {
      buffered += b.toString('utf8');
      // ctrl_tcp speaks netstrings: `<len>:<json>,` (lengths in bytes; the JSON is ASCII here).
      for (;;) {
        const m = /^(\d+):/.exec(buffered);
        if (!m) break;
        const start = m[0].length;
        const len = Number(m[1]);
        if (buffered.length < start + len + 1) break;
        const json = buffered.slice(start, start + len);
        buffered = buffered.slice(start + len + 1);
        try {
          const msg = JSON.parse(json) as { event?: boolean } & BaresipEvent;
          if (msg.event) events.push({ class: msg.class, type: msg.type, param: msg.param });
        } catch {
          // a response we do not need
        }
        for (const w of waiters.splice(0)) w();
      }
    });
    socket.on('error', () => undefined);
    let token = 0;
    return {
      trunk: `sip:127.0.0.1:${kamPort};transport=udp`,
      dir,
      events,
      waitForEvent(type, timeoutMs = 15_000) {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`baresip never reported ${type}; saw ${events.map((e) => e.type).join(', ')}`)),
            timeoutMs,
          );
          const check = () => {
            const found = events.find((e) => e.type === type);
            if (found) {
              clearTimeout(timer);
              resolve(found);
            } else waiters.push(check);
          };
          check();
        });
      },
      async command(line) {
        const space = line.indexOf(' ');
        const json = JSON.stringify({
          command: space < 0 ? line : line.slice(0, space),
          params: space < 0 ? '' : line.slice(space + 1),
          token: `t${++token}`,
        });
        socket.write(`${Buffer.byteLength(json)}:${json},`);
      },
      async recordings() {
        const files = (await readdir(path.join(dir, 'rec'))).filter((f) => f.endsWith('-dec.wav')).sort();
        return Promise.all(files.map((f) => readWavFile(path.join(dir, 'rec', f))));
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function waitForTcp(port: number, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port}:\n${log()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
