import type { ChildProcess } from 'node:child_process';
import { callUrl } from '../../src/calls/call-service';
import type { Services } from '../../src/main';
import { TextCaller } from '../e2e/text-call-harness';
import { spawnCli } from '../e2e/support/run-cli';
import { freePort } from '../e2e/support/test-server';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One `aizuchi serve` child of the chaos test (test/integration/chaos.test.ts). */
export interface ServeProcess {
  readonly pid: number;
  readonly url: string;
  readonly child: ChildProcess;
  ready: boolean;
  killed: boolean;
  readonly exited: Promise<void>;
  /** The last few KiB of its stderr, for a failure message. */
  stderr(): string;
}

/** Starts the built CLI's `serve` with its own ports; `ready` turns true once /readyz answers 200. */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const port = await freePort();
  const settings = {
    ...env,
    PORT: String(port),
    AIZUCHI_MAIL_CATCHER_PORT: String(await freePort()),
    AIZUCHI_METRICS_PORT: String(await freePort()),
  };
  const child = spawnCli(['serve'], settings);
  let err = '';
  child.stdout!.resume();
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4_000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const proc: ServeProcess = {
    pid: child.pid!,
    url: `http://localhost:${port}`,
    child,
    ready: false,
    killed: false,
    exited,
    stderr: () => err,
  };
  void (async () => {
    while (child.exitCode === null && child.signalCode === null) {
      const ok = await fetch(`${proc.url}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) {
        proc.ready = true;
        return;
      }
      await sleep(250);
    }
  })();
  return proc;
}

export function kill(proc: ServeProcess): Promise<void> {
  proc.killed = true;
  proc.ready = false;
  proc.child.kill('SIGKILL');
  return proc.exited;
}

/**
 * The customers' side of the chaos test, standing in for a phone network: it finds text calls the
 * servers opened (AIZUCHI_TELEPHONY=text), takes a fresh single-use token for each through the call
 * service (as the carrier's outbound-call job does), and answers on a random ready web process with a
 * scripted caller: half say they are not the customer at once (wrong_person), half run long — pauses
 * under the agent's no-input time, a confirmation, then ask for a person (escalated). A connection
 * refused or cut by a kill is left to the servers: a pending call is answered again at the next look,
 * an active one is abandoned by a sweep once its owner's lease lapses, and its case dialled again.
 */
export function phoneNetwork(services: Services, processes: () => ServeProcess[], random: () => number) {
  const handling = new Set<string>();
  const answered = new Set<string>();
  const hungUp = new Set<string>();
  let running = true;
  let cutOff = 0;

  async function answer(callId: string): Promise<void> {
    const targets = processes().filter((p) => p.ready && !p.killed);
    const target = targets[Math.floor(random() * targets.length)];
    if (!target) return;
    const token = await services.cases.inTransaction((trx) => services.calls.reissueToken(trx, callId));
    if (!token) return;
    const long = random() < 0.5;
    let caller: TextCaller;
    try {
      caller = await TextCaller.connect(callUrl(target.url, token));
    } catch {
      return; // not connected: the call stays pending and is answered again
    }
    answered.add(callId);
    try {
      await caller.turn(30_000);
      if (long) {
        await sleep(3_000);
        await caller.say('はい、そうです');
        await sleep(3_000);
        caller.send({ type: 'say', text: '担当者と話したいです' });
      } else {
        caller.send({ type: 'say', text: 'いいえ、違います' });
      }
      await caller.waitClosed(30_000);
    } catch {
      // Cut by a kill, or (on a starved box) the scripted caller gave up waiting and hung up itself:
      // a caller's hang-up ends the call abandoned on a live process, which is right, so it is noted.
      if (target.killed) cutOff++;
      else hungUp.add(callId);
      caller.ws.terminate();
    }
  }

  const loop = (async () => {
    while (running) {
      const pending = await services.store.db
        .selectFrom('calls')
        .select('id')
        .where('state', '=', 'pending')
        .where('channel', '=', 'text')
        .execute()
        .catch(() => []);
      for (const { id } of pending) {
        if (handling.has(id)) continue;
        handling.add(id);
        void answer(id)
          .catch(() => undefined)
          .finally(() => handling.delete(id));
      }
      await sleep(200);
    }
  })();

  return {
    /** Calls a caller connected to. */
    answered,
    /** Lines cut mid-call (the process holding them was killed). */
    cutOff: () => cutOff,
    /** Calls the scripted caller hung up on itself (it waited 30 s for the agent on a live process). */
    hungUp,
    async stop() {
      running = false;
      await loop;
      while (handling.size > 0) await sleep(100);
    },
  };
}
