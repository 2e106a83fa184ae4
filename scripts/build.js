// Builds the CLI as one ES module, dist/src/cli/main.js, beside the agent script.
//
// Why a bundle: a run's wall time starts with node loading the CLI, and loading some
// 400 files one by one cost about 0.3 s before the first engine call (docs/performance.md).
// One file, parsed once, is the same code without the module resolution.
//
// Why two lazy modules: dockerode and docker-modem require ssh2 and gRPC at load time,
// 1.4 MB of the bundle, but ssh2 is needed only for an ssh:// engine (or --ssh key files) and
// gRPC only for --mode build's BuildKit session. They are left out of the bundle and required
// from node_modules on first use, so a run that needs neither never parses them.
//
// Type checking is `npm run typecheck` (tsc); esbuild only strips the types.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const LAZY = {
  // docker-modem/lib/ssh.js reads `.Client` at load and calls `new Client()` per connection.
  ssh2: `module.exports = { Client: function Client(...args) { return new (require('ssh2').Client)(...args); } };`,
  // dockerode/lib/session.js touches these only inside withSession (BuildKit builds).
  '@grpc/grpc-js': lazyObject('@grpc/grpc-js'),
  '@grpc/proto-loader': lazyObject('@grpc/proto-loader'),
};

function lazyObject(name) {
  return `let real; module.exports = new Proxy({}, { get(_, key) { real ??= require(${JSON.stringify(name)}); return real[key]; } });`;
}

/** Serve LAZY's stand-ins to dockerode and docker-modem; the stand-ins' own require stays external. */
const lazyDependencies = {
  name: 'lazy-dependencies',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).map((n) => n.replace(/[/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) =>
      /node_modules\/(dockerode|docker-modem)\//.test(args.importer) ? { path: args.path, namespace: 'lazy' } : { path: args.path, external: true },
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, (args) => ({ contents: LAZY[args.path], loader: 'js', resolveDir: process.cwd() }));
  },
};

rmSync('dist', { recursive: true, force: true });
await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/src/cli/main.js',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  // The CommonJS dependencies expect require, __dirname and __filename.
  banner: {
    js: [
      "import { createRequire as __gmdRequire } from 'node:module';",
      "import { fileURLToPath as __gmdPath } from 'node:url';",
      'const require = __gmdRequire(import.meta.url);',
      'const __filename = __gmdPath(import.meta.url);',
      "const __dirname = __gmdPath(new URL('.', import.meta.url));",
    ].join(' '),
  },
  // ssh2's optional native parts: loaded by ssh2 itself, with fallbacks, when it runs.
  external: ['cpu-features', '*.node'],
  plugins: [lazyDependencies],
  logLevel: 'warning',
});

// ASCII only. esbuild escapes what is not ASCII in code, but keeps comments as written, and one
// "…" in a comment made V8 hold the whole 2 MB source as a two-byte string: 4 MB more resident
// for every run, and a slower decode at start. In a comment an escape reads the same.
const bundle = readFileSync('dist/src/cli/main.js', 'utf8');
writeFileSync('dist/src/cli/main.js', bundle.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));

// The agent is a shell script, not TypeScript: it ships next to the bundle.
mkdirSync('dist/src/agent', { recursive: true });
copyFileSync('src/agent/agent.sh', 'dist/src/agent/agent.sh');
