// The agent is a shell script, not TypeScript: copy it next to the compiled code.
import { copyFileSync, mkdirSync } from 'node:fs';

mkdirSync('dist/src/agent', { recursive: true });
copyFileSync('src/agent/agent.sh', 'dist/src/agent/agent.sh');
