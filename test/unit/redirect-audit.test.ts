/**
 * Every redirect the server sends (reply.redirect, and Location / HX-Redirect / HX-Location headers) must go somewhere
 * the code chose, never straight to a value the request supplied. Read from the source with the TypeScript parser, so
 * a new route that redirects to `request.query.x` fails here before it ships. A target is accepted when it is:
 *   - a string literal, or a template literal starting with a fixed path whose every ${…} is encodeURIComponent(…)
 *     (one path segment or query value, never a new host) or a parameter typed as a union of string literals;
 *   - safeNext(…) (src/auth/cookies.ts: resolved like a browser, our origin only);
 *   - a ternary of accepted targets, or a parameter typed as a union of string literals;
 *   - listed in KNOWN below, with the reason it is not request-supplied.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const KNOWN: { file: string; target: string; why: string }[] = [
  { file: 'src/auth/github-routes.ts', target: 'data.url', why: "Supabase's authorize URL, built by supabase-js from our config" },
];
const REDIRECT_HEADERS = /^(location|hx-redirect|hx-location)$/i;

const isStringLiteralType = (t: ts.TypeNode): boolean =>
  ts.isLiteralTypeNode(t) ? ts.isStringLiteral(t.literal) : ts.isUnionTypeNode(t) && t.types.every(isStringLiteralType);

/** The parameter of the enclosing function with this name, if its declared type is a union of string literals. */
function isLiteralTypedParameter(id: ts.Identifier): boolean {
  for (let node: ts.Node | undefined = id.parent; node; node = node.parent) {
    if (ts.isFunctionLike(node)) {
      const param = node.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
      if (param) return Boolean(param.type && isStringLiteralType(param.type));
    }
  }
  return false;
}

const isCallTo = (e: ts.Expression, name: string) => ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name;

function isSafeTarget(e: ts.Expression): boolean {
  if (ts.isParenthesizedExpression(e)) return isSafeTarget(e.expression);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return true;
  if (isCallTo(e, 'safeNext')) return true;
  if (ts.isConditionalExpression(e)) return isSafeTarget(e.whenTrue) && isSafeTarget(e.whenFalse);
  if (ts.isIdentifier(e)) return isLiteralTypedParameter(e);
  if (ts.isTemplateExpression(e)) {
    // A fixed leading path ("/runs/"), so no interpolation can decide the host.
    if (!/^\/[^/\\]/.test(e.head.text)) return false;
    return e.templateSpans.every((s) => isCallTo(s.expression, 'encodeURIComponent') || (ts.isIdentifier(s.expression) && isLiteralTypedParameter(s.expression)));
  }
  return false;
}

export interface Redirect {
  file: string;
  line: number;
  target: string;
  safe: boolean;
}

/** Every redirect target in one source file. */
export function redirectsIn(file: string, source: string): Redirect[] {
  const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true);
  const found: Redirect[] = [];
  const add = (target: ts.Expression) => {
    const text = target.getText(sf);
    const known = KNOWN.some((k) => k.file === file && k.target === text);
    found.push({ file, line: sf.getLineAndCharacterOfPosition(target.getStart(sf)).line + 1, target: text, safe: known || isSafeTarget(target) });
  };
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
      const method = node.expression.name.text;
      const [first, second] = node.arguments;
      if (method === 'redirect' && first) add(first);
      if ((method === 'header' || method === 'setHeader') && first && second && ts.isStringLiteralLike(first) && REDIRECT_HEADERS.test(first.text)) add(second);
      if (method === 'headers' && first && ts.isObjectLiteralExpression(first)) {
        for (const p of first.properties) {
          if (ts.isPropertyAssignment(p) && (ts.isStringLiteralLike(p.name) || ts.isIdentifier(p.name)) && REDIRECT_HEADERS.test(p.name.text)) add(p.initializer);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function serverSources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && d.name.endsWith('.ts') && !d.name.endsWith('.d.ts'))
    .map((d) => path.relative(ROOT, path.join(d.parentPath, d.name)))
    .filter((f) => !f.startsWith(`src${path.sep}client${path.sep}`)); // browser code: it answers no request
}

describe('redirect targets', () => {
  const all = ['src', 'worker'].flatMap(serverSources).flatMap((f) => redirectsIn(f.split(path.sep).join('/'), readFileSync(path.join(ROOT, f), 'utf8')));

  it('finds the redirects the app has (so an empty scan cannot pass)', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.some((r) => r.file === 'src/auth/routes.ts' && r.target.includes('safeNext'))).toBe(true);
    expect(all.some((r) => r.file === 'src/practice/action-routes.ts' && r.target.startsWith('`/problems/'))).toBe(true);
  });

  it('every one goes to a literal, an encoded path segment, or through safeNext', () => {
    const unsafe = all.filter((r) => !r.safe).map((r) => `${r.file}:${r.line} redirects to ${r.target}`);
    expect(unsafe).toEqual([]);
  });

  it('the scan refuses request-supplied targets (checked against hand-written routes)', () => {
    const bad = [
      'reply.redirect(request.query.next)',
      'reply.redirect(`/problems/${request.params.slug}`, 303)',
      'reply.redirect(`${request.query.next}`)',
      'reply.redirect(`//${host}/x`)',
      "reply.header('HX-Redirect', request.headers.referer)",
      "reply.header('location', next)",
      'reply.headers({ Location: request.body.next })',
      'function f(to: string) { return reply.redirect(to); }',
      'reply.redirect(cond ? safeNext(x) : request.query.next)',
    ];
    for (const code of bad) expect(redirectsIn('src/x/routes.ts', code), code).toEqual([expect.objectContaining({ safe: false })]);
    const good = [
      "reply.redirect('/admin/users', 303)",
      'reply.redirect(safeNext(request.query.next))',
      'reply.redirect(`/runs/${encodeURIComponent(id)}`, 303)',
      "function f(to: '/a' | '/b') { return reply.redirect(to); }",
      "reply.header('HX-Redirect', `/problems/${encodeURIComponent(slug)}#solution`)",
    ];
    for (const code of good) expect(redirectsIn('src/x/routes.ts', code), code).toEqual([expect.objectContaining({ safe: true })]);
  });
});
