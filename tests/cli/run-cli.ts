/** Test helper: run `policy-tracker` as a user would, in a child process. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'policy-tracker.js');

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the CLI with `args`; `env` is added to the environment (DATABASE_URL unset unless given). */
export function runCli(args: readonly string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<CliResult> {
  return run(process.execPath, [BIN, ...args], env, cwd);
}

/**
 * Run `script` in bash, where `$PT` is the command that starts the CLI (for pipes, process
 * substitution and redirections, as a user types them); `env` as for {@link runCli}.
 */
export function runCliInBash(script: string, env: Record<string, string | undefined> = {}): Promise<CliResult> {
  return run('bash', ['-c', script.replaceAll('$PT', '"$PT_NODE" "$PT_BIN"')], {
    ...env,
    PT_NODE: process.execPath,
    PT_BIN: BIN,
  });
}

function run(file: string, args: readonly string[], env: Record<string, string | undefined>, cwd?: string): Promise<CliResult> {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.POLICY_TRACKER_DATA_DIR;
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { env: { ...base, ...env, FORCE_COLOR: '0', NO_COLOR: '1' }, cwd, maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
