import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's architecture map, the dependency order in .dependency-cruiser.cjs and the folders
// under src/ describe one thing; this keeps the three from drifting apart (issue 14).
const root = path.resolve(import.meta.dirname, '..');

interface AreaRule {
  name: string;
  to: { path: string[] };
}

/** AREA_ORDER as the config applies it: the first rule forbids importing the top area, then one rule per area below it. */
function configuredOrder(): string[] {
  const config = createRequire(import.meta.url)(path.join(root, '.dependency-cruiser.cjs')) as { forbidden: AreaRule[] };
  const rules = config.forbidden.filter((r) => r.name.startsWith('area-order:'));
  const top = /^\^src\/(.+?)(?:\/|\$)$/.exec(rules[0]?.to.path[0] ?? '')?.[1]?.replace(/\\\./g, '.');
  return [top ?? '?', ...rules.map((r) => r.name.slice('area-order:'.length))];
}

/** The top-level entries of the README map's code block, in the order written (`src/web/` → `web`). */
function readmeOrder(): string[] {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Architecture'));
  const block = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return [...block.matchAll(/^src\/([^\s/]+)\/?\s/gm)].map((m) => m[1]!);
}

function srcAreas(): string[] {
  return readdirSync(path.join(root, 'src'), { withFileTypes: true })
    .filter((e) => e.isDirectory() || (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')))
    .map((e) => e.name)
    .sort();
}

describe('architecture map', () => {
  it('lists every folder and file under src/, nothing else, in the order the dependency rules enforce', () => {
    const order = configuredOrder();
    expect([...order].sort()).toEqual(srcAreas());
    expect(readmeOrder()).toEqual(order);
  });
});
