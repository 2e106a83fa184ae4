/**
 * What `gomod-doctor explain` knows: an ordered table of failure texts (from the go command's
 * source, net/http, crypto/x509, net's resolver, git/ssh and BuildKit/docker, as seen in real
 * logs; see test/fixtures/logs/) with what each means and the fix to paste, one file per family.
 * Field guide: shared/docs/domain.md. Pure data plus small pure fix builders.
 *
 * Rules match one cleaned log line (ANSI, CR and BuildKit prefixes gone, trimmed, at most
 * 2000 characters). Keep every pattern linear: literals first, no nested quantifiers, `.*`
 * only in anchored lookaheads, never the `g` flag.
 */
import { baseImageRules } from './base-image.js';
import { buildContextRules } from './build-context.js';
import { dnsRules } from './dns.js';
import { filesystemRules } from './filesystem.js';
import { goproxyRules } from './goproxy.js';
import { privateAuthRules } from './private-auth.js';
import { proxyEnvRules } from './proxy-env.js';
import { tcpRules } from './tcp.js';
import { tlsStallRules } from './tls-stall.js';
import { tlsTrustRules } from './tls-trust.js';
import { toolchainRules } from './toolchain.js';
import type { Rule } from './types.js';

export { FAMILY_TITLES, type Confidence, type Family, type FixContext, type Rule } from './types.js';
export { goprivateFor, minorOf, moduleNear } from './fix-helpers.js';

/** Every rule. The order only breaks ties between equally specific rules on the same line: earlier wins. */
export const RULES: Rule[] = [
  ...baseImageRules,
  ...buildContextRules,
  ...toolchainRules,
  ...filesystemRules,
  ...proxyEnvRules,
  ...goproxyRules,
  ...privateAuthRules,
  ...tlsStallRules,
  ...tlsTrustRules,
  ...dnsRules,
  ...tcpRules,
];
