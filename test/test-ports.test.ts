import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Test files run in parallel, so a server a test starts must not take a fixed port. The listeners a
 * config opens are the public one (PORT), the dev mail catcher and the metrics listener (default 9464):
 * a config that asks for a free public port but leaves metrics at its default collides with any other
 * test, or a developer's `aizuchi serve`, holding 9464 (CI failed so on phone-possession).
 */
const LISTENER_VARS = ['AIZUCHI_MAIL_CATCHER_PORT', 'AIZUCHI_METRICS_PORT'];

function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' ? [] : testFiles(full);
    return /\.ts$/.test(e.name) && (dir.startsWith('test') || /\.test\.ts$/.test(e.name)) ? [full] : [];
  });
}

/** aizuchi's env object literals (they name a data directory) that ask for a free public port (`PORT: '0'`), with file and line. */
export function freePortConfigs(source: string, file: string): Array<{ at: string; text: string }> {
  const found: Array<{ at: string; text: string }> = [];
  const re = /\bPORT: '0',/g;
  for (let m = re.exec(source); m; m = re.exec(source)) {
    const open = source.lastIndexOf('{', m.index);
    const close = source.indexOf('}', m.index);
    const line = source.slice(0, m.index).split('\n').length;
    if (!source.slice(open, close).includes('AIZUCHI_DATA_DIR')) continue; // another program's env (an example script)
    found.push({ at: `${file}:${line}`, text: source.slice(open, close + 1) });
  }
  return found;
}

describe('servers in tests take free ports for every listener', () => {
  it('finds the shape it looks for (a config with a free public port but the default metrics port)', () => {
    const sample = "loadConfig({\n  PORT: '0',\n  AIZUCHI_MAIL_CATCHER_PORT: '0',\n  AIZUCHI_DATA_DIR: dir,\n})";
    const [config] = freePortConfigs(sample, 'sample.ts');
    expect(config!.at).toBe('sample.ts:2');
    expect(LISTENER_VARS.filter((v) => !config!.text.includes(v))).toEqual(['AIZUCHI_METRICS_PORT']);
  });

  it('every config in the tests that asks for a free public port also sets the mail catcher and metrics ports', () => {
    const files = [...testFiles('test'), ...testFiles('src')].filter((f) => f !== path.join('test', 'test-ports.test.ts'));
    const configs = files.flatMap((f) => freePortConfigs(fs.readFileSync(f, 'utf8'), f));
    expect(configs.length).toBeGreaterThan(10);
    const missing = configs.flatMap((c) => LISTENER_VARS.filter((v) => !c.text.includes(v)).map((v) => `${c.at} lacks ${v}`));
    expect(missing).toEqual([]);
  });
});
