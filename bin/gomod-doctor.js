#!/usr/bin/env node
// A user cannot act on a dependency's deprecation notice (docker-modem's ssh:// URL
// handling prints DEP0170): keep stderr for the doctor's own messages.
process.noDeprecation = true;
const { run } = await import('../dist/src/cli/main.js');

const code = await run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
// Exit once the output is flushed: a request to an engine that stopped answering cannot
// always be cancelled (dockerode passes no abort signal for image and network inspects),
// and its socket must not keep the process alive after the answer is printed.
process.stderr.write('', () => process.stdout.write('', () => process.exit(code)));
