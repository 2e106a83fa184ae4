/** tcp.connect: a TCP connection to each resolved address (two per family), timed. */
import type { Evidence, TargetEvidence, TcpAttempt } from '../src/model.js';
import { result, secs, type TargetCheck, isProxyOnly } from './check.js';
import { tcpFix } from './fixes.js';
import { fastestAnsweringProxy } from './http.js';

function describe(a: TcpAttempt, timeoutMs: number): string {
  const where = a.address.includes(':') ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
  switch (a.outcome) {
    case 'connected': return `${where} connected in ${a.ms ?? '?'} ms`;
    case 'timeout': return `${where} no answer within ${secs(timeoutMs)}`;
    case 'refused': return `${where} refused`;
    case 'unreachable': return `${where} unreachable (${a.message || 'no route'})`;
    default: return `${where} ${a.message || 'failed'}`;
  }
}

export const tcpConnect = {
  id: 'tcp.connect',
  category: 'tcp',
  title: 'TCP connect',
  step: 'tcp',
  appliesTo: (t) => !isProxyOnly(t),
  needs: () => ['dns.resolve'],
  targetName: (t) => `${t.host}:${t.port}`,
  evaluate(te: TargetEvidence, ev: Evidence) {
    const attempts = te.tcp!.attempts;
    const evidence = { tool: te.tcp!.tool, attempts };
    const text = attempts.map((a) => describe(a, ev.context.timeoutMs)).join('; ');
    if (attempts.length && attempts.every((a) => a.outcome === 'no_tool')) {
      return result('skip', 'cannot open a TCP connection with this image\'s tools (no bash, nc or curl)', { cause: 'tool.missing', evidence });
    }
    const ok = attempts.find((a) => a.outcome === 'connected');
    if (ok) {
      // An address family that hangs costs the go command a fallback delay on every new connection.
      const hanging = attempts.filter((a) => a.outcome === 'timeout');
      return hanging.length
        ? result('warn', text, { ms: ok.ms, cause: 'tcp.partial', evidence, fix: 'some addresses drop packets (often IPv6 without a route): fix the route, or disable IPv6 on the Docker network' })
        : result('pass', text, { ms: ok.ms, evidence });
    }
    const first = attempts[0];
    const kind = first?.outcome === 'refused' ? 'refused' : first?.outcome === 'unreachable' ? 'unreachable' : first?.outcome === 'timeout' ? 'timeout' : 'error';
    const fix = tcpFix({ host: te.target.host, port: te.target.port, cause: kind, alternative: fastestAnsweringProxy(ev, te.target.host) });
    return result('fail', text || 'no address to connect to', { ms: first?.ms ?? null, cause: `tcp.${kind}`, evidence, fix });
  },
} satisfies TargetCheck;
