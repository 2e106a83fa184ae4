/**
 * Guards of the design: checks/ judges and never does I/O; only src/engine talks to
 * Docker; every check id is documented.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { CHECK_IDS } from '../../checks/index.js';
import { CAUSES } from '../../src/model.js';

const root = new URL('../../', import.meta.url);
const read = (p: string) => readFileSync(new URL(p, root), 'utf8');
const tsFiles = (dir: string): string[] =>
  readdirSync(new URL(dir, root), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(`${dir}/${e.name}`) : e.name.endsWith('.ts') ? [`${dir}/${e.name}`] : [],
  );
/** Every module a file names: `import … from`, `export … from`, side-effect imports and `import()`. */
const importsOf = (text: string) =>
  [...text.matchAll(/^(?:import|export)\s[^'";]*?\bfrom\s*['"]([^'"]+)['"]|^import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)].map(
    (m) => (m[1] ?? m[2] ?? m[3])!,
  );

/**
 * The layers, lowest first: a file may import its own folder or a folder of a lower rank, never
 * one of its own rank or above. The run reads upward: leaves → checks/agent/render → engine, plan, judge → collect → cli.
 */
const LAYERS: Array<[folder: string, rank: number]> = [
  ['src/model', -1], // the vocabulary (src/model.ts is its barrel): below every layer, it imports only itself
  ['src', 0], // the leaf files: the model's barrel, errors, exit-code, secrets, redact, options, image-ref
  ['src/go', 0],
  ['checks', 1],
  ['src/agent', 1],
  ['src/dockerfile', 1],
  ['src/host', 1],
  ['src/render', 1],
  ['src/engine', 2],
  ['src/explain', 2],
  ['src/plan', 2],
  ['src/judge', 2],
  ['src/collect', 3],
  ['src/cli', 4],
];
const rankOf = (folder: string) => LAYERS.find(([f]) => f === folder)?.[1];
/** The layer a file belongs to: `src` for the leaf files, else its top folder (`src/explain/rules/x.ts` → `src/explain`). */
const folderOf = (file: string) => {
  const parts = file.split('/').slice(0, -1);
  return parts[0] === 'src' ? parts.slice(0, 2).join('/') : parts[0]!;
};

const test = suite('architecture');

test('checks/ imports only the model (src/model.ts, src/model/), src/secrets.ts, the pure Go rules in src/go/ and itself: no Docker, network or filesystem', () => {
  for (const file of tsFiles('checks')) {
    for (const spec of importsOf(read(file))) {
      const pure = spec === '../src/model.js' || /^\.\.\/src\/model\/[a-z-]+\.js$/.test(spec) || spec === '../src/secrets.js' || /^\.\.\/src\/go\/[a-z-]+\.js$/.test(spec);
      assert.ok(spec.startsWith('./') || pure, `${file} imports ${spec}`);
    }
  }
});

test('src/go/ is pure: it imports only itself and node:net/node:url helpers', () => {
  for (const file of tsFiles('src/go')) {
    for (const spec of importsOf(read(file))) {
      assert.ok(spec.startsWith('./') || spec === 'node:net' || spec === 'node:url', `${file} imports ${spec}`);
    }
  }
});

test('only src/engine imports dockerode', () => {
  for (const file of [...tsFiles('src'), ...tsFiles('checks')]) {
    if (file.startsWith('src/engine/')) continue;
    assert.not.ok(importsOf(read(file)).some((s) => s === 'dockerode'), `${file} imports dockerode`);
  }
});

test('the import reader sees export-from, side-effect imports and import()', () => {
  const text = "import a from './a.js';\nexport * from '../b.js';\nexport { c } from './c.js';\nimport './d.js';\nconst e = await import('../e.js');\n";
  assert.equal(importsOf(text), ['./a.js', '../b.js', './c.js', './d.js', '../e.js']);
});

test('no layer imports its own rank or above (src/cli on top, the leaf files at the bottom)', () => {
  for (const file of [...tsFiles('src'), ...tsFiles('checks')]) {
    const from = folderOf(file);
    const fromRank = rankOf(from);
    assert.ok(fromRank !== undefined, `${from} has no rank in LAYERS`);
    for (const spec of importsOf(read(file)).filter((s) => s.startsWith('.'))) {
      const to = folderOf(new URL(spec, new URL(file, root)).pathname.slice(new URL(root).pathname.length));
      if (to === from) continue;
      const toRank = rankOf(to);
      assert.ok(toRank !== undefined && toRank < fromRank!, `${file} imports ${spec} (${to}, rank ${toRank}) from rank ${fromRank}`);
    }
  }
});

test('src/secrets.ts is pure: it imports nothing', () => {
  assert.equal(importsOf(read('src/secrets.ts')), []);
});

test('the model imports only itself: src/model.ts re-exports src/model/, whose files import one another', () => {
  const barrel = importsOf(read('src/model.ts'));
  assert.ok(barrel.length > 0 && barrel.every((s) => /^\.\/model\/[a-z-]+\.js$/.test(s)), `src/model.ts imports ${barrel.join(', ')}`);
  assert.match(read('src/model.ts'), /^(?:\/\*\*[\s\S]*?\*\/\n)?(?:export \* from '[^']+';\n)+$/, 'src/model.ts holds only export-from lines');
  for (const file of tsFiles('src/model')) {
    for (const spec of importsOf(read(file))) assert.ok(/^\.\/[a-z-]+\.js$/.test(spec), `${file} imports ${spec}`);
  }
});

test('every check id is documented in docs/checks.md', () => {
  const docs = read('docs/checks.md');
  for (const id of CHECK_IDS) assert.ok(docs.includes(`## ${id} `), `docs/checks.md has no section for ${id}`);
});

test('every cause code in the model is documented', () => {
  const docs = read('docs/checks.md');
  assert.ok(CAUSES.length > 100, 'CAUSES is read as data');
  for (const code of CAUSES) assert.ok(docs.includes(code), `cause ${code} is not in docs/checks.md`);
});

test.run();
