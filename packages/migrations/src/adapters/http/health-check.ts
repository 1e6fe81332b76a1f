import { spawn } from 'node:child_process';

export interface HealthCheck {
  /** A shell command that must exit 0. */
  command?: string;
  /** A URL that must answer 2xx to a GET. */
  url?: string;
  timeoutMs: number;
}

/** Run the health check after a deploy; the reason it failed, or undefined when healthy. */
export async function runHealthCheck(check: HealthCheck, cwd: string): Promise<string | undefined> {
  if (check.url) {
    try {
      const response = await fetch(check.url, { signal: AbortSignal.timeout(check.timeoutMs) });
      if (response.status < 200 || response.status >= 300) return `${check.url} answered HTTP ${response.status}`;
    } catch (error) {
      return `${check.url} did not answer within ${check.timeoutMs} ms (${(error as Error).message})`;
    }
  }
  if (check.command) return runCommand(check.command, cwd, check.timeoutMs);
  return undefined;
}

function runCommand(command: string, cwd: string, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(command, { cwd, shell: true, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = `${stderr}${chunk}`.slice(-2000)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve(`\`${command}\` did not finish within ${timeoutMs} ms`);
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve(`\`${command}\` could not start: ${error.message}`);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code === 0 ? undefined : `\`${command}\` exited with ${code}${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    });
  });
}
