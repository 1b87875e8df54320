#!/usr/bin/env node
// The `paasport` command: routes server operations (serve, migrate, backup, restore) and generator
// commands (validate, generate, targets, init) to their own halves, loading only the half that is used.
import { readFileSync } from 'node:fs';

const serverCommands = new Set(['serve', 'migrate', 'backup', 'restore']);

/** The package version; package.json sits one level above both src/ and dist/. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  if (command === '--version' || command === '-V' || command === 'version') {
    console.log(version());
    return 0;
  }
  if (command !== undefined && serverCommands.has(command)) {
    const { runServerCli } = await import('./server/cli.js');
    return runServerCli(argv);
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
