// Reads Java `.properties` text (the format of Kafka's server.properties): `key=value`,
// `key: value` or `key value`; `#`/`!` comments; backslash line continuations; \t \n \r \f \uXXXX
// escapes. Later keys override earlier ones.

export function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // Join continuation lines: an odd number of trailing backslashes continues the line.
    while (endsWithContinuation(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    if (endsWithContinuation(line)) line = line.slice(0, -1);
    let sep = -1;
    for (let j = 0; j < line.length; j++) {
      const c = line[j];
      if (c === '\\') { j++; continue; }
      if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') { sep = j; break; }
    }
    let key: string;
    let value: string;
    if (sep < 0) {
      key = line;
      value = '';
    } else {
      key = line.slice(0, sep);
      let rest = line.slice(sep);
      rest = rest.replace(/^[ \t\f]*/, '');
      if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]*/, '');
      value = rest;
    }
    out.set(unescape(key), unescape(value));
  }
  return out;
}

function endsWithContinuation(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_m, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    switch (e) {
      case 't': return '\t';
      case 'n': return '\n';
      case 'r': return '\r';
      case 'f': return '\f';
      default: return e;
    }
  });
}

/**
 * Environment variables to config keys, as Kafka's container images do:
 * `KWASM_LOG_DIRS` → `log.dirs`; `_` → `.`, `__` → `_`, `___` → `-`.
 */
export function configFromEnv(env: Record<string, string | undefined>, prefix = 'KWASM_'): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(env)) {
    if (!k.startsWith(prefix) || v === undefined) continue;
    const key = k
      .slice(prefix.length)
      .toLowerCase()
      .replace(/___/g, '\u0000')
      .replace(/__/g, '\u0001')
      .replace(/_/g, '.')
      .replace(/\u0000/g, '-')
      .replace(/\u0001/g, '_');
    out.set(key, v);
  }
  return out;
}
