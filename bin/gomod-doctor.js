#!/usr/bin/env node
import { run } from '../dist/src/cli/main.js';

process.exitCode = await run({ argv: process.argv.slice(2), env: process.env, stdout: process.stdout, stderr: process.stderr });
