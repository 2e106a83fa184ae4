/**
 * The CI and ticket renderers (list, Markdown, JUnit, GitHub Actions) on recorded reports
 * (test/fixtures/reports/*.json) and on hand-built ones: the right rows in the right places,
 * and text from a container or a server inert in every format.
 */
import { readFileSync } from 'node:fs';
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { CATEGORIES, type CheckResult, type Report, type Status } from '../../src/model.js';
import { escapeData, escapeProperty, inertBlock, renderGithub, workflowCommand } from '../../src/render/github.js';
import { renderJunit, xmlEscape } from '../../src/render/junit.js';
import { renderList } from '../../src/render/list.js';
import { mdFence, mdInline, renderMarkdown } from '../../src/render/markdown.js';
import { renderTable } from '../../src/render/table.js';
import { sanitizeLine } from '../../src/render/sanitize.js';

const FIXTURES = ['healthy', 'dns-only-host-resolves', 'mtu-black-hole', 'goproxy-502-comma', 'zip-hangs'];
const load = (name: string): Report => JSON.parse(readFileSync(new URL(`../fixtures/reports/${name}.json`, import.meta.url), 'utf8')) as Report;

function withSummary(report: Report, checks: CheckResult[]): Report {
  const n = (s: Status) => checks.filter((c) => c.status === s).length;
  return { ...report, checks, summary: { ...report.summary, pass: n('pass'), warn: n('warn'), fail: n('fail'), skip: n('skip') } };
}

/** Passing: healthy with its one warning turned into a pass. */
const passing = (): Report => {
  const r = load('healthy');
  return withSummary({ ...r, summary: { ...r.summary, verdict: 'go mod download works from this image.', fix: null, layer: null } }, r.checks.map((c) => ({ ...c, status: 'pass', cause: null, fix: null })));
};
const warning = (): Report => load('healthy');
const failing = (): Report => load('goproxy-502-comma');

const ESC = '\u001b';
const HOSTILE =
  'a | b `c` <script>alert(1)</script> <img src=x onerror=alert(1)>\n# heading\n::error::injected ##[add-mask]x\r\n' +
  `${ESC}[31mred${ESC}[0m ${ESC}]8;;https://evil.example\u0007link${ESC}]8;;\u0007 ]]> & &amp; "q" 's' 50% %0A $x$ ` +
  '[l](https://evil.example) \u0000\u0008\u000b\ud800 ``` end';

/** A failing report whose every piece of outside text is hostile. */
function hostile(): Report {
  const base = failing();
  const rows: CheckResult[] = (['fail', 'warn', 'skip', 'pass'] as const).map((status, i) => ({
    id: `evil.row${i}`,
    category: (['dns', 'tls', 'http', 'e2e'] as const)[i]!,
    target: `${HOSTILE} target${i}`,
    status,
    ms: 12,
    summary: `${HOSTILE} summary${i}`,
    cause: status === 'pass' ? null : 'http.error',
    evidence: {},
    fix: `RUN ${HOSTILE} fix${i}`,
  }));
  return withSummary({ ...base, image: `img${HOSTILE}`, user: `u${HOSTILE}`, summary: { ...base.summary, verdict: `v ${HOSTILE}`, fix: `ENV X=${HOSTILE}` } }, rows);
}


// ---------------------------------------------------------------------------
// Readers for what the renderers write: a strict little XML parser (well-formedness, entities,
// nesting), the Actions runner's unescaping (ActionCommand.cs, same order), Markdown table pipes.

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: Array<XmlElement | string>;
}

const XML_ILLEGAL = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

function decodeEntities(raw: string, where: string): string {
  const out = raw.replace(/&([^;&\s]*);?/g, (m, body: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (!m.endsWith(';')) throw new Error(`bare & in ${where}: ${raw}`);
    if (body in named) return named[body]!;
    const num = /^#(?:(\d+)|x([0-9a-fA-F]+))$/.exec(body);
    if (!num) throw new Error(`unknown entity &${body}; in ${where}`);
    return String.fromCodePoint(num[1] ? Number(num[1]) : parseInt(num[2]!, 16));
  });
  return out;
}

function parseXml(xml: string): XmlElement {
  if (XML_ILLEGAL.test(xml)) throw new Error('a character XML 1.0 forbids');
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!xml.startsWith(prolog)) throw new Error('no XML declaration');
  let i = prolog.length;
  const NAME = /[A-Za-z_][\w.-]*/y;
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(xml);
    if (!m) throw new Error(`a name expected at ${i}`);
    i = NAME.lastIndex;
    return m[0];
  };
  const skipSpace = () => {
    while (/\s/.test(xml[i] ?? '')) i++;
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      i += 2;
      const n = name();
      skipSpace();
      if (xml[i++] !== '>') throw new Error(`> expected after </${n}`);
      const open = stack.pop();
      if (!open || open.name !== n) throw new Error(`</${n}> closes <${open?.name}>`);
      if (!stack.length) root = open;
    } else if (xml[i] === '<') {
      if (root) throw new Error('a second root element');
      i++;
      const el: XmlElement = { name: name(), attrs: {}, children: [] };
      for (;;) {
        skipSpace();
        if (xml.startsWith('/>', i) || xml[i] === '>') break;
        const a = name();
        if (xml[i++] !== '=' || xml[i++] !== '"') throw new Error(`="..." expected after ${a}`);
        const end = xml.indexOf('"', i);
        const raw = xml.slice(i, end);
        if (raw.includes('<')) throw new Error(`< in attribute ${a}`);
        if (a in el.attrs) throw new Error(`attribute ${a} twice`);
        el.attrs[a] = decodeEntities(raw, `attribute ${a}`);
        i = end + 1;
      }
      stack.at(-1)?.children.push(el);
      if (xml.startsWith('/>', i)) {
        i += 2;
        if (!stack.length) root = el;
      } else {
        i++;
        stack.push(el);
      }
    } else {
      const end = xml.indexOf('<', i) === -1 ? xml.length : xml.indexOf('<', i);
      const raw = xml.slice(i, end);
      if (raw.includes(']]>')) throw new Error(']]> in text');
      if (stack.length) stack.at(-1)!.children.push(decodeEntities(raw, `text of <${stack.at(-1)!.name}>`));
      else if (raw.trim()) throw new Error(`text outside the root: ${raw}`);
      i = end;
    }
  }
  if (stack.length || !root) throw new Error('unclosed elements');
  return root;
}

const unescapeGithubData = (s: string) => s.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
const unescapeGithubProperty = (s: string) =>
  s.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%3A', ':').replaceAll('%2C', ',').replaceAll('%25', '%');

/** Pipes that delimit cells: a backslash escapes the character after it. */
function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

const XmlCheck = suite('the test XML reader');
XmlCheck('rejects what is not well-formed', () => {
  const p = '<?xml version="1.0" encoding="UTF-8"?>';
  for (const bad of [`${p}<a>`, `${p}<a></b>`, `${p}<a x="<"/>`, `${p}<a>&</a>`, `${p}<a>]]></a>`, `${p}<a>&foo;</a>`, `${p}<a/><b/>`, `${p}<a>\u0001</a>`, `${p}<a>\ud800</a>`, '<a/>']) {
    assert.throws(() => parseXml(bad), undefined, bad);
  }
  assert.equal(parseXml(`${p}\n<a x="&quot;&#60;"><b/>t&amp;</a>\n`), { name: 'a', attrs: { x: '"<' }, children: [{ name: 'b', attrs: {}, children: [] }, 't&'] });
});

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

// ---------------------------------------------------------------------------
const List = suite('renderList');

List('one block per row, status words, fix only for rows that are not pass, counts and verdict last', () => {
  const r = failing();
  const out = renderList(r, { color: false });
  const blocks = out.trimEnd().split('\n\n');
  assert.is(blocks.length, r.checks.length + 2); // header, rows, counts + verdict
  r.checks.forEach((c, i) => {
    const lines = blocks[i + 1]!.split('\n');
    assert.is(lines[0], `${c.status.toUpperCase()}  ${c.id}${c.target === null ? '' : `  ${c.target}`}`);
    assert.is(lines[1], `  ${c.summary}`);
    assert.is(lines.some((l) => l.startsWith('  Fix: ')), c.status !== 'pass' && !!c.fix, `${c.id} ${c.target}`);
  });
  assert.is(blocks.at(-1), `25 pass, 4 warn, 4 fail, 1 skip, 1.9 s\nVerdict: ${r.summary.verdict}`);
  assert.not.ok(/[┌│─]/.test(out), 'no box drawing');
});

List('the same header line as the table, for images and for Dockerfile stages', () => {
  const stage = { ...failing(), stage: { dockerfile: 'Dockerfile', name: 'builder', line: 3, baseImage: 'golang:1.23', chain: ['builder', 'golang:1.23'], mode: 'build' as const } };
  for (const r of [failing(), stage]) {
    assert.is(renderList(r, { color: false }).split('\n')[0], renderTable(r, { color: false, width: 120 }).split('\n')[0]);
  }
});

List('colour on the status word only, and only when asked; verbose adds cause and timing', () => {
  const r = failing();
  assert.not.ok(renderList(r, { color: false }).includes(ESC));
  const colored = renderList(r, { color: true });
  const words = colored.match(/\u001b\[\d+m(PASS|WARN|FAIL|SKIP)\u001b\[0m/g) ?? [];
  assert.is(words.length, r.checks.length);
  assert.not.ok(colored.replace(/\u001b\[\d+m(PASS|WARN|FAIL|SKIP)\u001b\[0m/g, '$1').includes(ESC));
  assert.ok(renderList(r, { color: false, verbose: true }).includes('  cause http.status, 126 ms'));
  assert.not.ok(renderList(r, { color: false }).includes('cause http.status'));
});

List('hostile text stays on its own line, without escapes or controls', () => {
  const out = renderList(hostile(), { color: false });
  assert.not.ok(CONTROL.test(out));
  for (const line of out.split('\n')) {
    assert.not.ok(/^\s*(#|::)/.test(line), line);
  }
});

// ---------------------------------------------------------------------------
const Md = suite('renderMarkdown');

/** Our own HTML: the details wrapper and line breaks in cells. Anything else is injected. */
const OWN_TAGS = /<\/?details>|<\/?summary>|<br>/g;

function assertInertMarkdown(md: string): void {
  assert.not.ok(CONTROL.test(md), 'no control characters');
  let fence: string | null = null;
  let columns = 0;
  for (const line of md.split('\n')) {
    const open = /^(`{3,})/.exec(line)?.[1];
    if (fence) {
      if (line === fence) fence = null;
      else assert.not.ok(line.startsWith(fence), `fence closed early by ${line}`);
      continue;
    }
    if (open) {
      fence = open;
      continue;
    }
    // Outside fences: no HTML but ours, no heading but ours, no code span.
    assert.not.ok(/[<>]/.test(line.replace(OWN_TAGS, '')), `raw < or >: ${line}`);
    assert.not.ok(/^#/.test(line) && !line.startsWith('## gomod-doctor: '), `heading injected: ${line}`);
    assert.not.ok(/(^|[^\\])`/.test(line.replace(/\\\\/g, '')), `raw backtick: ${line}`);
    if (line.startsWith('|')) {
      if (/^\|(---\|)+$/.test(line)) continue;
      const n = unescapedPipes(line);
      if (columns && line.startsWith('| ') && n !== columns) assert.unreachable(`row with ${n} pipes, header ${columns}: ${line}`);
      if (!columns || line.startsWith('| Status') || line.startsWith('| Check')) columns = n;
    } else columns = 0;
  }
  assert.is(fence, null, 'every fence closed');
}

Md('heading, verdict, the fix as a Dockerfile block, the rows to read, every row collapsed, counts', () => {
  const r = failing();
  const md = renderMarkdown(r);
  assert.ok(md.startsWith('## gomod-doctor: FAIL — image gomod-doctor-fixture/gobuilder:bookworm as root\n\n**Verdict:** http.goproxy fails'));
  assert.ok(md.includes('\n\n**Fix:**\n\n```dockerfile\nENV GOPROXY=https://proxy.golang.org/status/502|https://goproxy.cn\n```\n\n("\\|" falls through on any error)\n\n'));
  assert.not.ok(md.split('**Fix:**')[0]!.includes('Fix: ENV'), 'the verdict does not repeat the fix');
  const attention = md.slice(md.indexOf('| Check | Target | Result | Fix |'), md.indexOf('<details>'));
  assert.is(attention.trim().split('\n').length, 2 + r.summary.fail + r.summary.warn);
  assert.ok(md.includes(`<details><summary>All ${r.checks.length} checks</summary>\n\n| Status | Check |`));
  assert.ok(md.trimEnd().endsWith(`25 pass, 4 warn, 4 fail, 1 skip, 1.9 s · gomod-doctor 0.1.0 · started ${r.startedAt}`));
  assertInertMarkdown(md);
});

Md('passing and warning reports: no attention rows when nothing needs reading; prose fixes stay prose', () => {
  const ok = renderMarkdown(passing());
  assert.ok(ok.startsWith('## gomod-doctor: PASS — '));
  assert.ok(ok.includes('No check failed or warned.'));
  assert.not.ok(ok.includes('**Fix:**'));
  assert.ok(renderMarkdown(warning()).startsWith('## gomod-doctor: WARN — '));
  const dns = renderMarkdown(load('dns-only-host-resolves'));
  assert.ok(dns.includes('\n\n**Fix:** give the container the host\'s resolver: "dns": \\["192.168.0.1"\\] in /etc/docker/daemon.json (docker build'));
  for (const name of FIXTURES) assertInertMarkdown(renderMarkdown(load(name)));
});

Md('hostile text cannot format, link, inject HTML or break the tables and fences', () => {
  const md = renderMarkdown(hostile());
  assertInertMarkdown(md);
  assert.ok(md.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.ok(md.includes('a \\| b \\`c\\`'));
  assert.ok(md.includes('\\[l\\](https://evil.example)'));
  assert.ok(md.includes('\\$x\\$'));
  assert.ok(md.includes('<br>\\# heading<br>'), 'a line starting with # inside a cell is escaped');
  assert.ok(md.includes('\n````dockerfile\nENV X=a | b `c` <script>'), 'the fix fence outgrows the backticks inside; inside it, text is code');
});

Md('mdInline and mdFence', () => {
  assert.is(mdInline('# a|b `c` <d> & $e$ *f* _g_ [h] \\ ~i~'), '\\# a\\|b \\`c\\` &lt;d&gt; &amp; \\$e\\$ \\*f\\* \\_g\\_ \\[h\\] \\\\ \\~i\\~');
  assert.is(mdInline('one\ntwo', '<br>'), 'one<br>two');
  assert.is(mdFence('RUN echo ```` x', 'sh'), '`````sh\nRUN echo ```` x\n`````');
  assert.is(mdFence(`RUN ${ESC}[31mx`, 'sh'), '```sh\nRUN x\n```');
});

// ---------------------------------------------------------------------------
const Junit = suite('renderJunit');

const children = (el: XmlElement, name: string) => el.children.filter((c): c is XmlElement => typeof c !== 'string' && c.name === name);
const text = (el: XmlElement) => el.children.filter((c): c is string => typeof c === 'string').join('');

Junit('parses back: one testsuite per category, one testcase per row, counts that add up', () => {
  for (const name of FIXTURES) {
    const r = load(name);
    for (const failOn of ['fail', 'warn'] as const) {
      const root = parseXml(renderJunit(r, { failOn }));
      assert.is(root.name, 'testsuites');
      const failures = r.summary.fail + (failOn === 'warn' ? r.summary.warn : 0);
      assert.equal(root.attrs, { name: 'gomod-doctor', tests: String(r.checks.length), failures: String(failures), errors: '0', skipped: String(r.summary.skip), time: (r.durationMs / 1000).toFixed(3) });
      const suites = children(root, 'testsuite');
      const inOrder = CATEGORIES.filter((cat) => r.checks.some((c) => c.category === cat)).map((cat) => `gomod-doctor.${cat}`);
      assert.equal(suites.map((s) => s.attrs.name), inOrder, 'one suite per category present, in layer order');
      const cases = suites.flatMap((s) => children(s, 'testcase'));
      assert.is(cases.length, r.checks.length);
      assert.is(cases.filter((c) => children(c, 'failure').length).length, failures);
      assert.is(cases.filter((c) => children(c, 'skipped').length).length, r.summary.skip);
      assert.is(cases.filter((c) => children(c, 'system-out').length).length, failOn === 'warn' ? 0 : r.summary.warn);
      for (const s of suites) assert.is(Number(s.attrs.tests), children(s, 'testcase').length);
    }
  }
});

Junit('a failing row: message, type, body with the fix; time in seconds', () => {
  const r = failing();
  const root = parseXml(renderJunit(r, { failOn: 'fail' }));
  const http = children(root, 'testsuite').find((s) => s.attrs.name === 'gomod-doctor.http')!;
  const tc = children(http, 'testcase').find((c) => children(c, 'failure').length)!;
  assert.is(tc.attrs.classname, 'gomod-doctor.http');
  assert.is(tc.attrs.name, 'http.goproxy https://proxy.golang.org/status/502/rsc.io/quote/@v/list');
  assert.is(tc.attrs.time, '0.126');
  const f = children(tc, 'failure')[0]!;
  assert.is(f.attrs.message, 'GET /status/502/rsc.io/quote/@v/list 502 in 87 ms');
  assert.is(f.attrs.type, 'http.status');
  assert.is(text(f), 'GET /status/502/rsc.io/quote/@v/list 502 in 87 ms\nFix: ENV GOPROXY=https://goproxy.cn,direct  (it answered the canary request from this container)');
});

Junit('hostile text: well-formed, nothing illegal, and it reads back as the sanitized text', () => {
  const xml = renderJunit(hostile(), { failOn: 'warn' });
  assert.not.ok(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff]/.test(xml.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
  assert.not.ok(xml.includes(']]>'));
  const root = parseXml(xml);
  const cases = children(root, 'testsuite').flatMap((s) => children(s, 'testcase'));
  const failure = children(cases[0]!, 'failure')[0]!;
  const clean = (t: string) => t.split(/\r\n|\r|\n/).map(sanitizeLine).join(' ').replace(/[\ud800-\udfff]/g, '');
  assert.is(failure.attrs.message, clean(`${HOSTILE} summary0`));
  assert.is(cases[0]!.attrs.name, `evil.row0 ${clean(`${HOSTILE} target0`)}`);
  assert.ok(text(failure).includes('\n# heading\n::error::injected'), 'lines kept in the body');
  assert.is(children(cases[2]!, 'skipped')[0]!.attrs.message, clean(`${HOSTILE} summary2`));
});

Junit('xmlEscape', () => {
  assert.is(xmlEscape(`<a href="x">'&'</a>]]>`), '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;]]&gt;');
  assert.is(xmlEscape('a\u0000b\u0001c\ud800d\udfffe\ufffeé🙂\t\n'), 'abcdeé🙂\t\n');
});

// ---------------------------------------------------------------------------
const Gh = suite('renderGithub');

Gh('escaping exactly as actions/toolkit command.ts', () => {
  assert.is(escapeData('50% done\r\nnext: a,b %0A'), '50%25 done%0D%0Anext: a,b %250A');
  assert.is(escapeProperty('50% done\r\nnext: a,b %0A'), '50%25 done%0D%0Anext%3A a%2Cb %250A');
  assert.is(workflowCommand('error', { title: 'dns.resolve a:1,b' }, 'x::y\nz'), '::error title=dns.resolve a%3A1%2Cb::x::y%0Az');
  assert.is(workflowCommand('notice', {}, 'm'), '::notice::m');
  // What the runner undoes gives back what went in, whatever it holds.
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const alphabet = ['%', '\r', '\n', ':', ',', '0', 'A', 'D', '2', '5', 'C', '3', 'x', ' '];
  for (let i = 0; i < 500; i++) {
    const s = Array.from({ length: Math.floor(rnd() * 20) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join('');
    assert.is(unescapeGithubData(escapeData(s)), s);
    assert.is(unescapeGithubProperty(escapeProperty(s)), s);
    assert.not.ok(/[\r\n]/.test(escapeData(s)));
    assert.not.ok(/[\r\n:,]/.test(escapeProperty(s)));
  }
});

/** The workflow commands of an output: the lines before the inert block. */
const commandsOf = (stdout: string) => stdout.slice(0, stdout.indexOf('::stop-commands::')).trimEnd().split('\n');

Gh('an error per failing row, a warning per warning row, a notice only when nothing failed', () => {
  const r = failing();
  const cmds = commandsOf(renderGithub(r, { failOn: 'fail' }).stdout);
  assert.is(cmds.filter((l) => l.startsWith('::error title=')).length, r.summary.fail);
  assert.is(cmds.filter((l) => l.startsWith('::warning title=')).length, r.summary.warn);
  assert.is(cmds.length, r.summary.fail + r.summary.warn);
  assert.ok(cmds.includes('::error title=http.goproxy https%3A//proxy.golang.org/status/502/rsc.io/quote/@v/list::GET /status/502/rsc.io/quote/@v/list 502 in 87 ms — Fix: ENV GOPROXY=https://goproxy.cn,direct  (it answered the canary request from this container)'));

  const w = warning();
  const ws = commandsOf(renderGithub(w, { failOn: 'fail' }).stdout);
  assert.equal(ws.map((l) => l.split(' ')[0]), ['::warning', '::notice']);
  assert.is(ws[1], `::notice title=gomod-doctor::${escapeData(w.summary.verdict)}`);
  const strict = commandsOf(renderGithub(w, { failOn: 'warn' }).stdout);
  assert.equal(strict.map((l) => l.split(' ')[0]), ['::error'], 'warnings fail the job: errors, and no notice');
  assert.equal(commandsOf(renderGithub(passing(), { failOn: 'warn' }).stdout).map((l) => l.split(' ')[0]), ['::notice']);
});

Gh('the plain list follows, between stop-commands and its token; the step summary is the Markdown', () => {
  for (const name of FIXTURES) {
    const r = load(name);
    const out = renderGithub(r, { failOn: 'fail' });
    const list = renderList(r, { color: false });
    assert.ok(out.stdout.endsWith(inertBlock(list)));
    assert.is(out.stepSummary, renderMarkdown(r));
  }
  const block = inertBlock('x\n');
  const token = /^::stop-commands::(\S+)\n/.exec(block)![1]!;
  assert.ok(/^gomod-doctor-[0-9a-f]{32}$/.test(token));
  assert.is(block, `::stop-commands::${token}\nx\n::${token}::\n`);
  assert.is.not(inertBlock('y\n'), block.replace('x\n', 'y\n'), 'the token depends on the text');
});

Gh('hostile text: one line per command, data that reads back as the sanitized text, no command in the list', () => {
  const r = hostile();
  const out = renderGithub(r, { failOn: 'fail' }).stdout;
  assert.not.ok(CONTROL.test(out));
  const cmds = commandsOf(out);
  assert.is(cmds.length, 2);
  const m = /^::error title=([^:]*)::(.*)$/.exec(cmds[0]!)!;
  assert.ok(m, cmds[0]);
  const lines = (t: string) => t.split(/\r\n|\r|\n/).map(sanitizeLine).join('\n');
  assert.is(unescapeGithubProperty(m[1]!), sanitizeLine(`evil.row0 ${HOSTILE} target0`));
  assert.is(unescapeGithubData(m[2]!), `${lines(`${HOSTILE} summary0`)} — Fix: ${lines(`RUN ${HOSTILE} fix0`)}`);
  // Inside the inert block, the runner would honour only the resume token.
  const body = out.slice(out.indexOf('\n', out.indexOf('::stop-commands::')) + 1);
  const token = /::stop-commands::(\S+)/.exec(out)![1]!;
  const bodyLines = body.trimEnd().split('\n');
  assert.is(bodyLines.at(-1), `::${token}::`);
  for (const line of bodyLines.slice(0, -1)) assert.not.ok(line.includes(token), 'the token never appears in the text');
});

XmlCheck.run();
List.run();
Md.run();
Junit.run();
Gh.run();
