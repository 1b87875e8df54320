// The generator half of the CLI run in-process with its output captured, as a user's terminal would show it.
import { type CliIo, runGeneratorCli } from '../../src/generator/cli.js';

export async function runGenerator(
  cwd: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    cwd,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
  };
  return { code: await runGeneratorCli(argv, io), stdout, stderr };
}
