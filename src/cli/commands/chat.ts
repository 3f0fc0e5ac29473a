import readline from 'node:readline';
import { Command } from 'commander';
import WebSocket from 'ws';
import type { CliCallNow } from './call-now';
import { CliError } from '../cli-error';

export interface ChatIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/**
 * A person's side of a text call in the terminal: each line is said; `/dtmf 1234` types on the
 * keypad; `/hangup` hangs up. Resolves with the outcome, or null if the line dropped without one.
 */
export function runChat(url: string, io: ChatIo): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const rl = readline.createInterface({ input: io.input, terminal: false });
    const print = (s: string) => io.output.write(`${s}\n`);
    let outcome: string | null = null;
    // Lines typed (or piped) before the socket opens are sent once it does, in order.
    const pending: string[] = [];
    const send = (frame: unknown) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
      else if (ws.readyState === WebSocket.CONNECTING) pending.push(JSON.stringify(frame));
    };
    ws.on('open', () => {
      for (const f of pending.splice(0)) ws.send(f);
    });
    rl.on('line', (line) => {
      const text = line.trim();
      if (!text) return;
      if (text === '/hangup') send({ type: 'hangup' });
      else if (text.startsWith('/dtmf')) send({ type: 'dtmf', digits: text.slice(5).replace(/\s+/g, '') });
      else send({ type: 'say', text });
    });
    rl.on('close', () => send({ type: 'hangup' }));
    ws.on('message', (data) => {
      let frame: { type?: string; text?: string; kind?: string; outcome?: string; message?: string; expecting?: string };
      try {
        frame = JSON.parse(String(data)) as typeof frame;
      } catch {
        return;
      }
      if (frame.type === 'agent') print(frame.kind === 'backchannel' ? `agent: (${frame.text})` : `agent: ${frame.text}`);
      else if (frame.type === 'listening') print(`  … listening (${frame.expecting})`);
      else if (frame.type === 'error') print(`! ${frame.message}`);
      else if (frame.type === 'end') {
        outcome = frame.outcome ?? null;
        print(`[call ended: ${outcome}]`);
      }
    });
    ws.on('unexpected-response', (_req, res) => {
      rl.close();
      reject(new CliError(`the call link was refused (HTTP ${res.statusCode})`));
    });
    ws.on('error', (err) => {
      rl.close();
      reject(new CliError(`cannot reach the call: ${err.message}`));
    });
    ws.on('close', () => {
      rl.close();
      resolve(outcome);
    });
  });
}

/** `aizuchi chat ID [--outside-hours]` — start a case's call now and talk to the agent as the customer. */
export function chatCommand(ctx: { services(): Promise<{ callNow: CliCallNow }>; io?: ChatIo }): Command {
  return new Command('chat')
    .description('call a scheduled case now over the text channel and chat with the agent (needs the server running)')
    .argument('<id>', 'case id')
    .option('--outside-hours', 'call even though it is outside business hours (recorded in the case history)')
    .action(async (id: string, opts: { outsideHours?: boolean }) => {
      const io = ctx.io ?? { input: process.stdin, output: process.stdout };
      const { callNow } = await ctx.services();
      const { url } = await callNow(id, { outsideHours: opts.outsideHours === true });
      io.output.write('Type what you say; /dtmf 1234 for the keypad, /hangup to hang up.\n');
      const outcome = await runChat(url, io);
      if (outcome === null) process.exitCode = 1;
    });
}
