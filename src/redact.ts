/**
 * The support bundle's redactor: known secrets (scrub), URL passwords, and the token
 * shapes people paste or tools echo (GitHub, GitLab, AWS, Slack, Google, npm, Docker Hub,
 * JWTs, Authorization headers, key=value and JSON secret pairs, netrc, PEM private keys).
 * Each becomes a marker that keeps the line readable (`[redacted:github-token]`, the URL
 * host, the header or key name). Ordinary content must survive: image digests, commit
 * hashes, go.sum `h1:` checksums, UUIDs, certificates. Every pattern starts at a literal
 * (or a bounded prefix) and its repetitions cannot overlap, so the cost is linear in the
 * text. Pure.
 */
import { scrub } from './secrets.js';

const mark = (kind: string) => `[redacted:${kind}]`;
/** A value that is already a marker is left alone, so redacting twice changes nothing. */
const NOT_MARKED = String.raw`(?!\[redacted:|\*\*\*)`;
/** Nor a bare variable reference (`TOKEN=$GIT_TOKEN` in a Dockerfile names, it does not hold). */
const NOT_VAR = String.raw`(?!\$\{?[A-Za-z_]\w*\}?(?![^\s"'&]))`;

/** Token shapes, each recognisable on its own. Left guards keep base64 text (go.sum) out. */
const SHAPES: Array<[kind: string, re: RegExp]> = [
  ['jwt', /eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g],
  ['github-token', /(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}/g],
  ['gitlab-token', /gl(?:pat|dt|rt|ptt|cbt|imt|ft|oas|soat)-[A-Za-z0-9_-]{20,}/g],
  ['aws-access-key', /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g],
  ['slack-token', /(?<![A-Za-z0-9])xox[abprs]-[A-Za-z0-9-]{10,}/g],
  ['google-api-key', /(?<![A-Za-z0-9_+/-])AIza[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g],
  ['npm-token', /(?<![A-Za-z0-9])npm_[A-Za-z0-9]{36,}/g],
  ['docker-token', /(?<![A-Za-z0-9])dckr_pat_[A-Za-z0-9_-]{20,}/g],
];

/** `Authorization: Bearer x`, `"authorization": "Basic x"`, git's `extraheader=AUTHORIZATION: basic x`. */
const SCHEMES = 'bearer|basic|token|bot|digest|negotiate|ntlm|aws4-hmac-sha256';
const AUTH_HEADER = new RegExp(
  String.raw`\b((?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?)(?:(bearer|basic|token|bot)([ \t]+)${NOT_MARKED}[^\s"',\\]+|(digest|negotiate|ntlm|aws4-hmac-sha256)([ \t]+)${NOT_MARKED}[^\r\n\\]+|(?!(?:${SCHEMES})[ \t])${NOT_MARKED}[^\s"',\\]+)`,
  'gi',
);
/** A bearer token on its own; prose ("a bearer credential") has no digits or punctuation. */
const BEARER = new RegExp(
  String.raw`(?<![A-Za-z])(bearer[ \t]+)${NOT_MARKED}(?:(?=[A-Za-z]*[0-9._~+/-])[A-Za-z0-9._~+/-]{12,}|[A-Za-z]{24,})=*`,
  'gi',
);

/** `//user:password@host`, the password up to the authority's last `@` (as redactUrl). */
const URL_USERINFO = /(\/\/[^\s/?#@:"'<>]{0,256}:)(?!\*\*\*@)[^\s/?#"'<>,]{1,1024}@/g;
/** A proxy setting without a scheme: `HTTPS_PROXY=alice:pw@proxy:3128`, `"httpsProxy": "alice:pw@..."`. */
const PROXY_HEAD = /proxy["']?[ \t]*[:=][ \t]*["']?/gi;
const VALUE_END = /[\s"']/g;

/** The password of a scheme-less proxy value; each value is read once (scanning resumes after it). */
function redactProxyUserinfo(text: string): string {
  let out = '';
  let pos = 0;
  PROXY_HEAD.lastIndex = 0;
  for (let m = PROXY_HEAD.exec(text); m; m = PROXY_HEAD.exec(text)) {
    const start = m.index + m[0].length;
    VALUE_END.lastIndex = start;
    const end = VALUE_END.exec(text)?.index ?? text.length;
    const value = text.slice(start, end);
    const authority = value.split('/', 1)[0]!;
    const colon = authority.indexOf(':');
    const at = authority.lastIndexOf('@');
    // user:password@ with the user free of '@', the password up to the authority's last '@'
    if (colon > 0 && at > colon + 1 && !authority.slice(0, colon).includes('@') && authority.slice(colon + 1, at) !== '***') {
      out += `${text.slice(pos, start + colon + 1)}***`;
      pos = start + at;
    }
    PROXY_HEAD.lastIndex = Math.max(end, start + 1);
  }
  return out + text.slice(pos);
}

// The key ends with the word (GITHUB_TOKEN, client_secret, access_token, docker config.json's
// "auth", .npmrc's _auth); its start is not matched, so the pattern starts at the word.
const KEY = String.raw`(password|passwd|passphrase|token|secret|api[_-]?key|access[_-]?key|secret[_-]?key|private[_-]?key|signature|(?<![A-Za-z])_?auth|(?<![A-Za-z])sig)`;
/** `KEY=value`: env files, flags, URL query strings. */
const KEY_VALUE = new RegExp(String.raw`${KEY}([ \t]*=[ \t]*)${NOT_MARKED}${NOT_VAR}("[^"\r\n]*"|'[^'\r\n]*'|[^\s&"'<>\\]+)`, 'gi');
/** `"password": "value"` in JSON (escapes inside the string honoured). */
const JSON_PAIR = new RegExp(String.raw`${KEY}("[ \t]*:[ \t]*")${NOT_MARKED}((?:[^"\\\r\n]|\\.)+)"`, 'gi');
/** `password: value` at the start of a line: YAML, `curl -v` headers (`> Private-Token: x`). */
const LINE_KEY = new RegExp(String.raw`^([ \t>*<-]*[\w.-]{0,40}?)${KEY}([ \t]*:[ \t]+)${NOT_MARKED}([^\r\n]+)`, 'gim');

/** A netrc entry: `machine h login l password p account a`, on one line or several. */
const NETRC = /\b(?:machine(?:[ \t\r\n]|\\[nrt])+\S+|default)(?:(?:[ \t\r\n]|\\[nrt])+(?:login|password|account|port|macdef)(?:[ \t\r\n]|\\[nrt])+\S+){1,8}/g;
const NETRC_FIELD = /\b(password|account)((?:[ \t\r\n]|\\[nrt])+)(?!\[redacted:)(?:(\S+?)(?=\\[nrt])|\S+)/g;
/** A netrc field alone on its line (the machine line further up). */
const NETRC_LINE = /^([ \t]*(?:password|account)[ \t]+)(?!\[redacted:)\S+[ \t]*$/gm;

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]{1,20} ){0,4}PRIVATE KEY(?: BLOCK)?)-----/g;
/** What may follow an unterminated BEGIN line: base64 lines, `Key: value` headers, blank lines. */
const PEM_BODY = /(?:\r?\n|\\r?\\n|[ \t]+(?=[A-Za-z0-9+/]{16}))[ \t]*(?:[A-Za-z0-9+/=]+|[A-Za-z][A-Za-z-]{0,30}: [^\r\n\\]*)?[ \t]*(?=\r?\n|\\[rn]|$|["',}\]])/y;

/** Private key blocks: the BEGIN and END lines stay, the body goes; a cut-off block loses what follows BEGIN. */
function redactPem(text: string): string {
  const endAt = new Map<string, number>(); // label → next END position (-1: none left), so each is searched once
  let out = '';
  let pos = 0;
  for (const m of text.matchAll(PEM_BEGIN)) {
    const start = m.index!;
    if (start < pos) continue;
    const label = m[1]!;
    const afterBegin = start + m[0].length;
    const end = `-----END ${label}-----`;
    let at = endAt.get(label);
    if (at === undefined || (at !== -1 && at < afterBegin)) endAt.set(label, (at = text.indexOf(end, afterBegin)));
    if (at !== -1) {
      const nl = /\r?\n|\\n/.exec(text.slice(afterBegin, at))?.[0];
      out += `${text.slice(pos, afterBegin)}${nl ? `${nl}${mark('private-key')}${nl}` : ` ${mark('private-key')} `}`;
      pos = at;
      continue;
    }
    const marked = ` ${mark('private-key')}`;
    if (text.startsWith(marked, afterBegin)) continue; // redacted already
    let bodyEnd = afterBegin;
    PEM_BODY.lastIndex = afterBegin;
    while (PEM_BODY.exec(text) && PEM_BODY.lastIndex > bodyEnd) bodyEnd = PEM_BODY.lastIndex;
    out += `${text.slice(pos, afterBegin)}${marked}`;
    pos = bodyEnd;
  }
  return out + text.slice(pos);
}

const keyKind = (key: string) => {
  const k = key.toLowerCase();
  return k.startsWith('pass') ? 'password' : k === 'token' ? 'token' : k === 'signature' || k === 'sig' ? 'signature' : k.endsWith('auth') ? 'auth' : k.includes('key') ? 'key' : 'secret';
};

function redactShapes(text: string): string {
  let out = redactPem(text);
  out = out.replace(AUTH_HEADER, (_m, head: string, s1?: string, sp1?: string, s2?: string, sp2?: string) =>
    `${head}${s1 ? `${s1}${sp1}` : s2 ? `${s2}${sp2}` : ''}${mark('authorization')}`,
  );
  out = out.replace(BEARER, (_m, head: string) => `${head}${mark('authorization')}`);
  out = redactProxyUserinfo(out.replace(URL_USERINFO, '$1***@'));
  for (const [kind, re] of SHAPES) out = out.replace(re, mark(kind));
  out = out.replace(JSON_PAIR, (_m, key: string, sep: string) => `${key}${sep}${mark(keyKind(key))}"`);
  out = out.replace(KEY_VALUE, (_m, key: string, sep: string, value: string) => {
    const q = value[0] === '"' || value[0] === "'" ? value[0] : '';
    return `${key}${sep}${q}${mark(keyKind(key))}${q}`;
  });
  out = out.replace(LINE_KEY, (_m, pre: string, key: string, sep: string) => `${pre}${key}${sep}${mark(keyKind(key))}`);
  out = out.replace(NETRC, (entry) =>
    entry.replace(NETRC_FIELD, (_m, field: string, sep: string) => `${field}${sep}${mark(`netrc-${field}`)}`),
  );
  return out.replace(NETRC_LINE, (_m, head: string) => `${head}${mark('netrc-password')}`);
}

/**
 * Text with every known secret replaced by `***` and every recognisable credential by a
 * `[redacted:kind]` marker. Known secrets are scrubbed first (a pattern could split one and
 * leave half) and again last, until none is left (a marker could complete one).
 */
export function redactText(text: string, known: readonly string[]): string {
  let out = redactShapes(scrub(text, known));
  for (let i = 0; i < 8; i++) {
    const next = scrub(out, known);
    if (next === out) break;
    out = next;
  }
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * Every string value in a JSON-like value (plain objects, arrays) redacted; other values as
 * they are. Object keys are kept: they name fields (a secret used as a key would be a bug
 * upstream, and renaming keys would break the document's shape).
 */
export function redactDeep<T>(value: T, known: readonly string[]): T {
  // A report repeats its strings (statuses, hosts, tools): each is redacted once. The report
  // is redacted after the agent's last word, when nothing else runs: its time is the user's.
  const done = new Map<string, string>();
  const text = (s: string): string => {
    let out = done.get(s);
    if (out === undefined) done.set(s, (out = redactText(s, known)));
    return out;
  };
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      // defineProperty: a key `__proto__` (from an image's output) must stay a key.
      for (const k of Object.keys(v)) Object.defineProperty(out, k, { value: walk(v[k]), enumerable: true, writable: true, configurable: true });
      return out;
    }
    return v;
  };
  return walk(value) as T;
}
