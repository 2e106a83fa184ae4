/**
 * Secrets the user hands the doctor (netrc passwords, tokens, proxy passwords,
 * variables named like secrets) and the last line of defence that keeps them out
 * of every output: whatever a check or a remote server echoed, known secret values
 * are replaced before anything is printed. Pure.
 */

/** Variable names whose values are secrets whatever they hold. */
const SECRET_NAME = /TOKEN|PASSWORD|PASSWD|SECRET|API_?KEY|ACCESS_?KEY|CREDENTIAL|PRIVATE_KEY|(^|_)AUTH$/i;

/** Values shorter than this are not scrubbed: "1" or "yes" would shred every line. */
const MIN_SECRET = 4;

/** `password`/`account` values of a netrc file (logins are names, not secrets). */
export function netrcSecrets(text: string): string[] {
  const tokens = text.split(/\s+/).filter(Boolean);
  const out: string[] = [];
  tokens.forEach((t, i) => {
    if ((t === 'password' || t === 'account') && tokens[i + 1]) out.push(tokens[i + 1]!);
  });
  return out;
}

/** The password of a `scheme://user:password@host` URL anywhere in a value. */
export function urlPasswords(value: string): string[] {
  // As redactUrl: up to the last @, and values without a scheme (alice:pw@proxy:3128) too.
  return [...value.matchAll(/(?:^|\/\/)[^/@:\s]*:([^/\s]+)@/g)].map((m) => m[1]!).flatMap((p) => {
    let decoded = p;
    try {
      decoded = decodeURIComponent(p);
    } catch {
      // Not percent-encoded: the raw form is the one to scrub.
    }
    return decoded === p ? [p] : [p, decoded];
  });
}

/**
 * A --secret value as it may be echoed: whole, trimmed (a token file's newline), and the
 * passwords in it when it is a netrc or holds URLs.
 */
export function buildSecretValues(text: string): string[] {
  return [text, text.trim(), ...netrcSecrets(text), ...urlPasswords(text)].filter((v) => v.trim() !== '');
}

/** Secrets in KEY=VALUE environment entries. */
export function envSecrets(entries: Array<{ name: string; value: string }>): string[] {
  return entries.flatMap(({ name, value }) => (SECRET_NAME.test(name) ? [value, ...urlPasswords(value)] : urlPasswords(value)));
}

export function splitEnv(kv: string[]): Array<{ name: string; value: string }> {
  return kv.flatMap((e) => {
    const i = e.indexOf('=');
    return i > 0 ? [{ name: e.slice(0, i), value: e.slice(i + 1) }] : [];
  });
}

/** Replace every known secret (and its URL- and JSON-escaped forms) with ***. */
export function scrub(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>();
  for (const s of secrets) {
    if (s.length < MIN_SECRET) continue;
    forms.add(s);
    forms.add(encodeURIComponent(s));
    forms.add(JSON.stringify(s).slice(1, -1));
  }
  // Longest first, so a secret containing another is replaced whole.
  let out = text;
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join('***');
  return out;
}

/** A URL with its credentials replaced (user:password → user:***, a lone token → ***): they work, but must never be printed. */
export function redactUrl(url: string): string {
  // Greedy up to the last @ of the authority: a password may hold an unencoded @. A value
  // without a scheme (alice:pw@proxy:3128, which Go accepts) is an authority from its start.
  return url.replace(/(^|\/\/)([^/@:\s]*)(:[^/\s]*)?@/g, (_m, start: string, user: string, pass: string | undefined) => (pass ? `${start}${user}:***@` : `${start}***@`));
}
