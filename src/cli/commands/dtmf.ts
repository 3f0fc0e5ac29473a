import { Command, CommanderError } from 'commander';
import { detectDtmf } from '../../media/dtmf/detector';
import { downmixToMono, readWavFile, WavError } from '../../media/wav';
import { CliError } from '../cli-error';

export interface DtmfCommandDeps {
  print?: (line: string) => void;
  /** The most a file may hold; default DTMF_MAX_FILE_BYTES. */
  maxBytes?: number;
}

/** 64 MiB: over an hour of 8 kHz telephone audio, and `/dev/zero` ends in an error, not a hang. */
export const DTMF_MAX_FILE_BYTES = 64 * 1024 * 1024;

/** `aizuchi dtmf detect FILE.wav`: prints the keys pressed in a recording, e.g. `12675693`. */
export function dtmfCommand(deps: DtmfCommandDeps = {}): Command {
  const print = deps.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const cmd = new Command('dtmf').description('DTMF (touch-tone) tools');
  cmd
    .command('detect')
    .description('print the DTMF digits heard in a WAV file (PCM16 or G.711, any rate; stereo is mixed down)')
    .argument('<file>', 'WAV file to analyse')
    .configureOutput({ outputError: () => {} })
    .exitOverride(toCliError)
    .action(async (file: string) => {
      let audio;
      try {
        audio = await readWavFile(file, { maxBytes: deps.maxBytes ?? DTMF_MAX_FILE_BYTES });
      } catch (error) {
        if (error instanceof WavError) throw new CliError(`${file}: ${error.message}`);
        throw error;
      }
      const events = detectDtmf(downmixToMono(audio), audio.sampleRateHz);
      print(events.map((e) => e.digit).join(''));
    });
  return cmd.configureOutput({ outputError: () => {} }).exitOverride(toCliError);
}

function toCliError(error: CommanderError): never {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') throw error;
  throw new CliError(error.message.replace(/^error: /u, ''));
}
