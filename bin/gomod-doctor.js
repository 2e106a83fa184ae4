#!/usr/bin/env node
// A user cannot act on a dependency's deprecation notice (docker-modem's ssh:// URL
// handling prints DEP0170): keep stderr for the doctor's own messages.
process.noDeprecation = true;
const { run } = await import('../dist/src/cli/main.js');

process.exitCode = await run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
