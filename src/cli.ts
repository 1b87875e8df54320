#!/usr/bin/env node
// The `paasport` command: routes server operations (serve, migrate, backup, restore) and generator
// commands (validate, generate, targets, init) to their own halves, loading only the half that is used.
import { manifest, missingServerDependency } from './server-deps.js';

const serverCommands = new Set(['serve', 'migrate', 'backup', 'restore']);

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    console.log(manifest().version);
    return 0;
  }
  if (command !== undefined && serverCommands.has(command)) {
    const server = await import('./server/cli.js').catch((err: unknown) => {
      const hint = missingServerDependency(err);
      if (hint === undefined) throw err;
      console.error(hint);
      return undefined;
    });
    return server ? server.runServerCli(argv) : 2;
  }
  const { runGeneratorCli } = await import('./generator/cli.js');
  return runGeneratorCli(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    process.exitCode = 1;
  },
);
