/**
 * Dockerfile variable expansion, a port of BuildKit's shell lexer
 * (frontend/dockerfile/shell/lex.go): dockerfile-ast parses but does not substitute. Pure.
 */

/**
 * BuildKit's ProcessWord: quotes removed, escapes applied, $VAR ${VAR} ${VAR:-x} ${VAR-x}
 * ${VAR:+x} ${VAR+x} ${VAR:?x} ${VAR#p} ${VAR%p} ${VAR/p/r}. `undefinedRefs` lists plain
 * references to unset names; `names`, every name looked up.
 */
export function expandWord(word: string, lookup: (name: string) => string | undefined, escape = '\\'): { value: string; undefinedRefs: string[]; names: string[] } {
  let i = 0;
  const refs: string[] = [];
  const names: string[] = [];
  const peek = () => word[i];
  const get = (name: string, plain: boolean) => {
    const v = lookup(name);
    if (!names.includes(name)) names.push(name);
    if (v === undefined && plain && !refs.includes(name)) refs.push(name);
    return v;
  };
  const name = (): string => {
    const c = peek() ?? '';
    if (/\d/.test(c)) {
      let n = '';
      while (/\d/.test(peek() ?? '')) n += word[i++];
      return n;
    }
    if ('@*#?-$!0'.includes(c) && c) return word[i++]!;
    let n = '';
    while (/[\p{L}\p{N}_]/u.test(peek() ?? '')) n += word[i++];
    return n;
  };
  const single = (): string => {
    const j = word.indexOf("'", i + 1);
    if (j < 0) throw new Error('unexpected end of statement while looking for matching single-quote');
    const s = word.slice(i + 1, j);
    i = j + 1;
    return s;
  };
  const double = (): string => {
    let out = '';
    i++;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new Error('unexpected end of statement while looking for matching double-quote');
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '$') {
        out += dollar();
        continue;
      }
      i++;
      if (c === escape) {
        const n = peek();
        if (n === undefined) continue;
        if (n === '"' || n === '$' || n === escape) {
          out += word[i++];
          continue;
        }
      }
      out += c;
    }
  };
  const stopOn = (stop: string | null, raw: boolean): string => {
    let out = '';
    while (i < word.length) {
      const c = word[i]!;
      if (stop !== null && c === stop) {
        i++;
        return out;
      }
      if (c === '$') out += dollar();
      else if (c === "'") out += single();
      else if (c === '"') out += double();
      else {
        i++;
        if (c === escape) {
          if (raw) out += c;
          if (i >= word.length) break;
          out += word[i++];
        } else out += c;
      }
    }
    if (stop !== null) throw new Error(`syntax error: missing '${stop}'`);
    return out;
  };
  // A shell pattern (* and ?) as a regular expression; `full` anchors both ends.
  const glob = (p: string, full: boolean) => {
    const body = p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    return new RegExp(full ? `^${body}$` : body);
  };
  const dollar = (): string => {
    i++;
    if (peek() !== '{') {
      const n = name();
      return n ? (get(n, true) ?? '') : '$';
    }
    i++;
    const first = peek();
    if (first === undefined) throw new Error("syntax error: missing '}'");
    if ('{}:'.includes(first)) throw new Error('syntax error: bad substitution');
    const n = name();
    let op = word[i++];
    if (op === '}') return get(n, true) ?? '';
    const nullIsUnset = op === ':';
    if (nullIsUnset) op = word[i++];
    if (op === '/' && !nullIsUnset) {
      const all = peek() === '/';
      if (all) i++;
      const from = stopOn('/', true);
      const to = stopOn('}', true);
      const v = get(n, true) ?? '';
      return v.replace(new RegExp(glob(from, false).source, all ? 'g' : ''), () => to);
    }
    if (op === undefined || !'+-?#%'.includes(op)) throw new Error(`unsupported modifier (${nullIsUnset ? ':' : ''}${op ?? ''}) in substitution`);
    const arg = stopOn('}', op === '#' || op === '%');
    const v = get(n, op === '?' || op === '#' || op === '%');
    const unset = v === undefined || (nullIsUnset && v === '');
    switch (op) {
      case '-':
        return unset ? arg : v!;
      case '+':
        return unset ? '' : arg;
      case '?':
        if (unset) throw new Error(`${n}: ${arg || `is not allowed to be ${v === undefined ? 'unset' : 'empty'}`}`);
        return v!;
      default: {
        // ${V#p}/${V##p}: drop the shortest/longest prefix matching p; ${V%p}/${V%%p}: suffix.
        const longest = arg.startsWith(op);
        const re = glob(longest ? arg.slice(1) : arg, true);
        const value = v ?? '';
        const cuts = [...Array(value.length + 1).keys()];
        if (op === '#') {
          const k = (longest ? cuts.reverse() : cuts).find((c) => re.test(value.slice(0, c)));
          return k === undefined ? value : value.slice(k);
        }
        const k = (longest ? cuts : cuts.reverse()).find((c) => re.test(value.slice(c)));
        return k === undefined ? value : value.slice(0, k);
      }
    }
  };
  return { value: stopOn(null, false), undefinedRefs: refs, names };
}
