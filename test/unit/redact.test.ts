/** A proxy password given to the doctor never appears in a row, whatever the outcome. */
import * as assert from 'uvu/assert';
import { suite } from 'uvu';
import { httpGoproxy } from '../../checks/http.js';
import type { Evidence, TargetEvidence } from '../../src/model.js';

const test = suite('redaction');

test('http.goproxy redacts the proxy password in summary and evidence', () => {
  const proxy = 'http://alice:s3cr3t-pw@proxy.corp:3128';
  const te = {
    target: { key: 't0', host: 'proxy.golang.org', port: 443, roles: ['goproxy'], tls: true, httpUrl: 'https://proxy.golang.org/rsc.io/quote/@v/list', httpProxy: proxy },
    finished: true, dns: null, tcp: null, tls: null,
    http: { url: 'https://proxy.golang.org/rsc.io/quote/@v/list', proxy, tool: 'curl', outcome: 'proxy_auth', status: 407, ttfbMs: null, ms: 5, bodyHead: '', message: '' },
  } as TargetEvidence;
  const ev = { targets: [te], context: { timeoutMs: 2000 } } as unknown as Evidence;
  const row = httpGoproxy.evaluate(te, ev);
  const text = JSON.stringify(row);
  assert.not.match(text, 's3cr3t-pw');
  assert.match(String(row.evidence.proxy), 'alice:***@proxy.corp:3128');
  assert.is(row.cause, 'http.proxy_auth');
});

test.run();
