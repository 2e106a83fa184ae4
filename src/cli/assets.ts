/** Files the CLI ships beside its code. Works from src/ (tsx) and from dist/ (built). */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const AGENT_SCRIPT_PATH = fileURLToPath(new URL('../agent/agent.sh', import.meta.url));

const pkgUrl = new URL(import.meta.url.includes('/dist/') ? '../../../package.json' : '../../package.json', import.meta.url);
export const VERSION: string = (JSON.parse(readFileSync(pkgUrl, 'utf8')) as { version: string }).version;
