import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/** Where console and operator routes live: every refusal there goes through Refusal (domain/refusal.ts). */
const ROUTE_DIRS = ['src/web/plugins', 'src/calls/recording'];

/** Plain answers that are not a person's refusal in the console, each with why. Key: `file:status` (the status as written). */
const ALLOWED: Record<string, string> = {
  'src/web/plugins/mail-catcher.ts:MISDIRECTED_REQUEST':
    "the dev mail catcher's Host check (RFC 9110 §15.5.20) for clients that reached the wrong host",
};

/** A method call's receiver chain, e.g. reply.code(403).type('text/plain').send(x) → [code, type] with their first arguments. */
function chain(call: ts.CallExpression): Array<{ name: string; arg: ts.Expression | undefined }> {
  const out: Array<{ name: string; arg: ts.Expression | undefined }> = [];
  let node: ts.Expression = call.expression;
  while (ts.isPropertyAccessExpression(node) && ts.isCallExpression(node.expression)) {
    const inner: ts.CallExpression = node.expression;
    if (ts.isPropertyAccessExpression(inner.expression)) out.push({ name: inner.expression.name.text, arg: inner.arguments[0] });
    node = inner.expression;
  }
  return out;
}

const isText = (e: ts.Expression | undefined) =>
  !!e && (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e) || ts.isTemplateExpression(e));

/**
 * The refusal-like answers in one source file: a `.send(<text>)` after `.type('text/plain…')` or
 * after `.code(4xx)`, and a bare `<!doctype html><p>` page string. Each as `file:line: status`.
 */
export function plainRefusals(file: string, source: string): Array<{ at: string; status: string }> {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Array<{ at: string; status: string }> = [];
  const visit = (node: ts.Node) => {
    const line = () => `${file}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`;
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'send') {
      const links = chain(node);
      const code = links.find((l) => l.name === 'code')?.arg;
      const status = code && ts.isNumericLiteral(code) ? code.text : code ? code.getText(sf) : '?';
      const plain = links.some((l) => l.name === 'type' && l.arg && ts.isStringLiteral(l.arg) && l.arg.text.startsWith('text/plain'));
      const clientError = code !== undefined && ts.isNumericLiteral(code) && Number(code.text) >= 400 && Number(code.text) < 500;
      if (plain || (clientError && isText(node.arguments[0]))) found.push({ at: line(), status });
    }
    if (
      (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) || ts.isTemplateHead(node)) &&
      /^<!doctype html><p>/i.test(node.text)
    )
      found.push({ at: line(), status: 'bare page' });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? sourceFiles(path.join(dir, d.name)) : [path.join(dir, d.name)]))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
}

// Issue 10: refusals in the console are one kind (Refusal → a ja/en page or JSON), never a route's own English line.
describe('console refusals go through Refusal', () => {
  it('finds the shapes it looks for (so an empty walk below means none, not a blind scanner)', () => {
    const sample = [
      "reply.code(403).type('text/plain').send('Forbidden');",
      'reply.code(404).send(`No such ${what}`);',
      "reply.type('text/plain; charset=utf-8').code(403).send(x);",
      "sendHtml(reply, 404, '<!doctype html><p>Not found.</p>');",
      "throw new Refusal('needs_role', { role: 'operator' });",
      'reply.code(403).send(page(lang));',
      "reply.code(200).type('text/html').send('<p>ok</p>');",
    ].join('\n');
    expect(plainRefusals('sample.ts', sample).map((f) => f.at)).toEqual(['sample.ts:1', 'sample.ts:2', 'sample.ts:3', 'sample.ts:4']);
  });

  it('no route under src/web/plugins or src/calls/recording answers a refusal as its own text', () => {
    const files = ROUTE_DIRS.flatMap((d) => sourceFiles(d));
    expect(files.length).toBeGreaterThan(20);
    const offenders = files
      .flatMap((f) => plainRefusals(f, fs.readFileSync(f, 'utf8')).map((hit) => ({ ...hit, key: `${f}:${hit.status}` })))
      .filter((hit) => !(hit.key in ALLOWED))
      .map((hit) => `${hit.at} (${hit.status}): throw new Refusal(kind) instead (src/domain/refusal.ts)`);
    expect(offenders).toEqual([]);
  });

  it('every allowed exception is still there (a stale entry would hide a new refusal at the same status)', () => {
    for (const key of Object.keys(ALLOWED)) {
      const [file, status] = key.split(':') as [string, string];
      expect(plainRefusals(file, fs.readFileSync(file, 'utf8')).some((h) => h.status === status)).toBe(true);
    }
  });
});
