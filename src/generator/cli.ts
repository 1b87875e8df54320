// Entry of the generator half of `paasport`: validate, generate (--check), targets, init, import. Returns exit
// codes: 0 ok, 1 drift or failure, 2 invalid spec or usage. Only this module and cli/ touch the file system.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type ArgSpec, parseArgs, UsageError } from './cli/args.js';
import { foreignReason } from './cli/foreign-files.js';
import { commandHelp, mainHelp } from './cli/help.js';
import { importCommand } from './cli/import-command.js';
import { defaultSpecFile, loadAnyFile } from './cli/load-spec.js';
import { formatError, formatWarning, type GeneratedError, generate } from './generate.js';
import { lineDiff } from './render/diff.js';
import { closest, formatSpecError } from './spec/errors.js';
import type { SpecError } from './spec/types.js';
import { allTargets, targetNamed } from './targets/index.js';
import type { Target } from './targets/target.js';

/** Commands of the server half (src/cli.ts routes them there), offered as did-you-mean candidates. */
export const SERVER_COMMANDS = ['serve', 'migrate', 'backup', 'restore'] as const;

export interface CliIo {
  cwd: string;
  stdout(text: string): void;
  stderr(text: string): void;
}

const processIo: CliIo = {
  cwd: process.cwd(),
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

const argSpecs: Record<string, ArgSpec> = {
  validate: { flags: ['help'], options: [], aliases: { '-h': '--help' } },
  generate: {
    flags: ['help', 'check', 'quiet', 'force'],
    options: ['target', 'out'],
    aliases: { '-h': '--help', '-t': '--target', '-o': '--out', '-q': '--quiet' },
  },
  targets: { flags: ['help'], options: [], aliases: { '-h': '--help' } },
  init: { flags: ['help', 'force'], options: [], aliases: { '-h': '--help' } },
  import: { flags: ['help'], options: ['out', 'repository'], aliases: { '-h': '--help', '-o': '--out' } },
};

export async function runGeneratorCli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout(mainHelp);
    return 0;
  }
  // No command is a usage error, so a script that forgot its argument fails instead of printing help and passing.
  if (command === undefined) {
    io.stderr(`paasport: missing command\n\n${mainHelp}`);
    return 2;
  }
  const spec = argSpecs[command];
  if (!spec) {
    const near = closest(command, [...Object.keys(argSpecs), ...SERVER_COMMANDS, 'help']);
    io.stderr(
      `paasport: unknown command "${command}"${near ? ` (did you mean "${near}"?)` : ''}\n\n${mainHelp}`,
    );
    return 2;
  }
  try {
    const args = parseArgs(rest, spec);
    if (args.flags.has('help')) {
      io.stdout(commandHelp[command] ?? mainHelp);
      return 0;
    }
    switch (command) {
      case 'validate':
        return validateCommand(specArg(args.positionals), io);
      case 'generate':
        return generateCommand(specArg(args.positionals), args.options, args.flags, io);
      case 'targets':
        for (const t of allTargets) io.stdout(`${t.name.padEnd(20)}${t.description}\n`);
        return 0;
      case 'import':
        return importCommand(args.positionals, args.options, io);
      default:
        return initCommand(args.positionals[0] ?? defaultSpecFile, args.flags.has('force'), io);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`paasport ${command}: ${err.message}\n\n${commandHelp[command] ?? ''}`);
      return 2;
    }
    throw err;
  }
}

/** The one spec argument; without it, the file `paasport init` writes. */
function specArg(positionals: string[]): string {
  if (positionals.length > 1) throw new UsageError(`expected one <spec> argument, got ${positionals.length}`);
  return positionals[0] ?? defaultSpecFile;
}

function reportTargetErrors(file: string, errors: GeneratedError[], io: CliIo): number {
  for (const e of errors) io.stderr(`${formatError(e)}\n`);
  io.stderr(
    `${errors.length} target error${errors.length === 1 ? '' : 's'} for ${file}; nothing was written.\n`,
  );
  return 2;
}

function reportErrors(file: string, errors: SpecError[], io: CliIo): number {
  for (const e of errors) io.stderr(`${file}: ${formatSpecError(e)}\n`);
  io.stderr(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}; nothing was written.\n`);
  return 2;
}

function validateCommand(file: string, io: CliIo): number {
  const loaded = loadAnyFile(resolve(io.cwd, file), io.cwd);
  if (!loaded.ok) return reportErrors(file, loaded.errors, io);
  const { warnings, errors } = generate(loaded.model, allTargets);
  for (const w of warnings) io.stderr(`${formatWarning(w)}\n`);
  // Target errors do not make the spec invalid: another target may carry it; generate says which cannot.
  for (const e of errors) io.stderr(`${formatError(e)}\n`);
  io.stdout(`${file} is valid\n`);
  return 0;
}

function pickTargets(names: string[] | undefined): Target[] {
  if (!names || names.length === 0) return [...allTargets];
  return names.map((name) => {
    const target = targetNamed(name);
    if (!target) {
      throw new UsageError(`unknown target "${name}"; known: ${allTargets.map((t) => t.name).join(', ')}`);
    }
    return target;
  });
}

function generateCommand(
  file: string,
  options: Map<string, string[]>,
  flags: Set<string>,
  io: CliIo,
): number {
  const targets = pickTargets(options.get('target'));
  const outDir = resolve(io.cwd, options.get('out')?.at(-1) ?? '.');
  const loaded = loadAnyFile(resolve(io.cwd, file), outDir);
  if (!loaded.ok) return reportErrors(file, loaded.errors, io);
  const { files, warnings, errors } = generate(loaded.model, targets);
  for (const w of warnings) io.stderr(`${formatWarning(w)}\n`);
  if (errors.length > 0) return reportTargetErrors(file, errors, io);
  const planned = files.map((f) => {
    const path = resolve(outDir, f.path);
    const current = existsSync(path) ? readFileSync(path) : undefined;
    const content = current && f.merge ? f.merge(current.toString('utf8')) : f.content;
    const wanted = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
    return { f, path, current, content, wanted };
  });
  if (!flags.has('check') && !flags.has('force')) {
    const specPath = loaded.model.specPath;
    const foreign = planned.flatMap(({ f, current, content }) => {
      // Merged files (f.merge) are meant to update a file the user owns.
      if (!current || f.merge || typeof content !== 'string' || current.equals(Buffer.from(content, 'utf8')))
        return [];
      const why = foreignReason(current.toString('utf8'), content, specPath);
      return why ? [`  ${f.path} (${why})`] : [];
    });
    if (foreign.length > 0) {
      io.stderr(
        `paasport generate: ${foreign.length} existing file${foreign.length === 1 ? ' was' : 's were'} not generated from ${specPath}:\n${foreign.join('\n')}\nNothing was written. Generate into another directory (--out <dir>) or pass --force to overwrite them.\n`,
      );
      return 1;
    }
  }
  let changed = 0;
  for (const { f, path, current, content, wanted } of planned) {
    if (current?.equals(wanted)) continue;
    changed++;
    if (flags.has('check')) {
      io.stdout(
        typeof content === 'string'
          ? lineDiff(f.path, current?.toString('utf8') ?? '', content)
          : `binary ${f.path} ${current ? 'differs' : 'is missing'}\n`,
      );
    } else {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, wanted);
      if (!flags.has('quiet')) io.stdout(`wrote ${f.path}\n`);
    }
  }
  if (flags.has('check')) {
    if (changed > 0) {
      io.stderr(
        `${changed} of ${files.length} generated files are out of date; run: paasport generate ${file}\n`,
      );
      return 1;
    }
    if (!flags.has('quiet')) io.stdout(`${files.length} generated files are up to date\n`);
    return 0;
  }
  if (!flags.has('quiet')) io.stdout(`${files.length} files, ${changed} changed\n`);
  return 0;
}

function initCommand(file: string, force: boolean, io: CliIo): number {
  const path = resolve(io.cwd, file);
  if (existsSync(path) && !force) {
    io.stderr(`${file} exists; pass --force to overwrite it\n`);
    return 1;
  }
  const starter = readFileSync(new URL('./spec/starter.yaml', import.meta.url), 'utf8');
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, starter);
  io.stdout(`wrote ${file}; check it with: paasport validate ${file}\n`);
  return 0;
}
