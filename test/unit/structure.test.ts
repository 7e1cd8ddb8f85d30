/**
 * The layout rules of docs/development.md, checked against the source: SQL only in *queries.ts files and src/db/,
 * routes write through services (no *routes.ts file imports a query that changes a table), no function over 80
 * lines in src/ and worker/, and the "may import" column of the layout map. The map is read
 * from the document itself, so the picture and the check cannot drift apart.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/paths.js';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(projectRoot, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}
const SERVER_FILES = [...sourceFiles('src'), ...sourceFiles('worker')].filter((f) => !f.startsWith('src/client/'));
const ALL_FILES = [...sourceFiles('src'), ...sourceFiles('worker')];
const read = (file: string) => readFileSync(join(projectRoot, file), 'utf8');
// Parsed once, while the file loads: the checks below only walk the trees.
const PARSED = new Map(ALL_FILES.map((f) => [f, ts.createSourceFile(f, read(f), ts.ScriptTarget.Latest, true)]));
const parse = (file: string) => PARSED.get(file)!;

// --- SQL placement -------------------------------------------------------------------------------------------

/** A string or template literal that starts like a SQL statement, or a call of .query(): comments are skipped. */
const SQL_START = /^\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|WITH\s+\w+\s+AS\s*\(|SET\s+\w+\s*=|LISTEN\s|NOTIFY\s)/;

function sqlIn(source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    const line = () => source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && SQL_START.test(node.text)) found.push(`line ${line()}: ${node.text.slice(0, 40)}`);
    if (ts.isTemplateExpression(node) && SQL_START.test(node.head.text)) found.push(`line ${line()}: ${node.head.text.slice(0, 40)}`);
    if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'query') found.push(`line ${line()}: .query(`);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const sqlAllowed = (file: string) => file.endsWith('queries.ts') || file.startsWith('src/db/');

describe('SQL lives in *queries.ts files and src/db/', () => {
  it('the detector sees a statement, a template and a query call, and skips comments and prose', () => {
    const sample = ts.createSourceFile(
      'x.ts',
      "// SELECT 1 FROM t\nconst a = 'SELECT 1 FROM t';\nconst b = `UPDATE runs SET x = ${1}`;\ndb.query(a);\nconst c = 'Select a provider';",
      ts.ScriptTarget.Latest,
      true,
    );
    expect(sqlIn(sample)).toEqual(['line 2: SELECT 1 FROM t', 'line 3: UPDATE runs SET x = ', 'line 4: .query(']);
  });

  it('no other file holds SQL text or runs a query', () => {
    const offenders = SERVER_FILES.filter((f) => !sqlAllowed(f)).flatMap((f) => sqlIn(parse(f)).map((hit) => `${f} ${hit}`));
    expect(offenders).toEqual([]);
  });
});

// --- Routes write through services -------------------------------------------------------------------------

/** A statement that changes a table, anywhere in a string or template literal. */
const WRITE_SQL = /\b(INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b/i;

/** The names of the exported functions in a queries file whose SQL changes a table. */
function writingQueries(source: ts.SourceFile): Set<string> {
  const writes = (node: ts.Node): boolean => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && WRITE_SQL.test(node.text)) return true;
    if (ts.isTemplateExpression(node) && WRITE_SQL.test([node.head.text, ...node.templateSpans.map((sp) => sp.literal.text)].join(' '))) return true;
    return ts.forEachChild(node, writes) ?? false;
  };
  const out = new Set<string>();
  for (const st of source.statements) {
    const exported = ts.canHaveModifiers(st) && ts.getModifiers(st)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
    if (!exported) continue;
    if (ts.isFunctionDeclaration(st) && st.name && writes(st)) out.add(st.name.text);
    if (ts.isVariableStatement(st)) for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && writes(d)) out.add(d.name.text);
  }
  return out;
}

/** `routes file imports name from queries file` for every write query a *routes.ts file imports. */
function routeWrites(routeFiles: string[], parsed: (file: string) => ts.SourceFile): string[] {
  const out: string[] = [];
  for (const file of routeFiles) {
    for (const st of parsed(file).statements) {
      if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.startsWith('.')) continue;
      const target = relative(projectRoot, normalize(join(projectRoot, dirname(file), st.moduleSpecifier.text))).replace(/\.js$/, '.ts');
      if (!target.endsWith('queries.ts')) continue;
      const names = st.importClause?.namedBindings && ts.isNamedImports(st.importClause.namedBindings) ? st.importClause.namedBindings.elements : [];
      const writers = writingQueries(parsed(target));
      for (const n of names) if (writers.has((n.propertyName ?? n.name).text)) out.push(`${file} imports ${(n.propertyName ?? n.name).text} from ${target}`);
    }
  }
  return out;
}

describe('routes write through services (docs/development.md)', () => {
  it('the check finds a route importing a write query, and lets a read through', () => {
    const toy = new Map(
      Object.entries({
        'src/x/routes.ts': "import { listThings, saveThing } from './queries.js';\nimport { other } from './service.js';",
        'src/x/queries.ts': [
          'export async function listThings(db) { return db.query(`SELECT * FROM things`); }',
          'export async function saveThing(db, id) { await db.query(`UPDATE things SET seen = true WHERE id = ${1}`, [id]); }',
          "export const dropThing = (db) => db.query('DELETE FROM things');",
        ].join('\n'),
      }).map(([f, text]) => [f, ts.createSourceFile(f, text, ts.ScriptTarget.Latest, true)]),
    );
    expect(routeWrites(['src/x/routes.ts'], (f) => toy.get(f)!)).toEqual(['src/x/routes.ts imports saveThing from src/x/queries.ts']);
    expect([...writingQueries(toy.get('src/x/queries.ts')!)]).toEqual(['saveThing', 'dropThing']);
  });

  it('no *routes.ts file imports a query that writes', () => {
    const routes = SERVER_FILES.filter((f) => f.endsWith('routes.ts'));
    expect(routes.length).toBeGreaterThan(10);
    expect(routeWrites(routes, parse)).toEqual([]);
  });
});

// --- Function length -----------------------------------------------------------------------------------------

const MAX_FUNCTION_LINES = 80;

/** Every function-like node with its name and line count (nested functions count inside their parent too). */
function functionLengths(source: ts.SourceFile): { name: string; lines: number }[] {
  const out: { name: string; lines: number }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const named = node.name && ts.isIdentifier(node.name) ? node.name.text : `(anonymous at line ${start + 1})`;
      out.push({ name: named, lines: end - start + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

describe(`no function in src/ or worker/ is over ${MAX_FUNCTION_LINES} lines`, () => {
  it('the measure counts a function from its first line to its last', () => {
    const sample = ts.createSourceFile('x.ts', 'function f() {\n  const g = () => {\n    return 1;\n  };\n}\n', ts.ScriptTarget.Latest, true);
    expect(functionLengths(sample)).toEqual([
      { name: 'f', lines: 5 },
      { name: '(anonymous at line 2)', lines: 3 },
    ]);
  });

  it('every function fits', () => {
    const long = ALL_FILES.flatMap((f) => functionLengths(parse(f)).filter((fn) => fn.lines > MAX_FUNCTION_LINES).map((fn) => `${f} ${fn.name}: ${fn.lines} lines`));
    expect(long).toEqual([]);
  });
});

// --- The layout map's "may import" rules ---------------------------------------------------------------------

interface Room {
  /** `src/db/`, `worker/`, or `src/*.ts` for the top-level files. */
  path: string;
  /** What it may import besides itself: room paths as written in the map, or `anything in src/`. */
  mayImport: string[];
}

/** Reads the table under "## Layout map" in docs/development.md: folder | what lives there | may import. */
function layoutMap(markdown: string): Room[] {
  const section = markdown.split(/^## Layout map$/m)[1]?.split(/^## /m)[0] ?? '';
  return section
    .split('\n')
    .filter((l) => /^\| `/.test(l))
    .map((l) => {
      const cells = l.split('|').map((c) => c.trim());
      const codes = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
      return { path: codes(cells[1]!)[0]!, mayImport: codes(cells[3]!) };
    });
}

/** The room a file belongs to: the longest matching folder, else `src/*.ts` for a file directly in src/. */
function roomOf(file: string, rooms: Room[]): Room | undefined {
  const folders = rooms.filter((r) => r.path.endsWith('/') && file.startsWith(r.path)).sort((a, b) => b.path.length - a.path.length);
  if (folders[0]) return folders[0];
  if (/^src\/[^/]+\.ts$/.test(file)) return rooms.find((r) => r.path === 'src/*.ts');
  return undefined;
}

/** Whether `target` (a path under the project root) is covered by one of the map's entries. */
function covered(target: string, entries: string[]): boolean {
  return entries.some((e) => (e.endsWith('/') ? target.startsWith(e) : target === e || (e === 'src/*.ts' && /^src\/[^/]+\.ts$/.test(target))));
}

function importsOf(file: string): string[] {
  const out: string[] = [];
  const source = parse(file);
  const visit = (node: ts.Node): void => {
    const spec =
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)
        ? node.moduleSpecifier.text
        : ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])
          ? node.arguments[0].text
          : undefined;
    if (spec?.startsWith('.')) out.push(relative(projectRoot, normalize(join(projectRoot, dirname(file), spec))).replace(/\.js$/, '.ts'));
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function violations(files: string[], rooms: Room[], importsFor: (file: string) => string[]): string[] {
  const out: string[] = [];
  for (const file of files) {
    const room = roomOf(file, rooms);
    if (!room) {
      out.push(`${file}: in no room of the map`);
      continue;
    }
    for (const target of importsFor(file)) {
      if (roomOf(target, rooms) === room) continue;
      if (!covered(target, room.mayImport)) out.push(`${file} imports ${target}, which ${room.path} may not import`);
    }
  }
  return out;
}

describe('the layout map in docs/development.md', () => {
  const rooms = layoutMap(read('docs/development.md'));

  it('is there, with a "may import" entry for every room', () => {
    expect(rooms.map((r) => r.path)).toEqual(expect.arrayContaining(['src/*.ts', 'src/db/', 'src/web/', 'src/client/', 'worker/']));
    for (const r of rooms) expect(r.mayImport, r.path).not.toEqual([]);
  });

  it('the check refuses an import the map does not allow', () => {
    const toy: Room[] = [
      { path: 'src/db/', mayImport: ['src/config.ts'] },
      { path: 'src/runs/', mayImport: ['src/db/'] },
    ];
    const fake: Record<string, string[]> = { 'src/db/pool.ts': ['src/runs/types.ts', 'src/config.ts'], 'src/runs/queries.ts': ['src/db/pool.ts'] };
    expect(violations(Object.keys(fake), toy, (f) => fake[f]!)).toEqual(['src/db/pool.ts imports src/runs/types.ts, which src/db/ may not import']);
  });

  it('every import in src/ and worker/ follows it', () => {
    expect(violations(ALL_FILES, rooms, importsOf)).toEqual([]);
  });
});
