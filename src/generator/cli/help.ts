// Help texts of the `paasport` command and its generator subcommands.
export const mainHelp = `paasport: realtime backend server and deployment-template generator

Usage: paasport <command> [options]

Generator commands:
  validate [spec]           check an app spec; lists every error with its JSON pointer
  generate [spec]           write the configs of every target (or --target ...) from a spec
  generate --check <spec>   exit 1 with a diff when files on disk differ from what would be generated
  targets                   list the targets
  init [file]               write a commented starter spec (default paasport.yaml)

Server commands:
  serve                     start the server
  migrate                   run database migrations
  backup                    stream a pg_dump backup into the bucket / list backups
  restore                   restore a backup

Run \`paasport <command> --help\` for the options of a command.
`;

export const commandHelp: Record<string, string> = {
  validate: `Usage: paasport validate [spec]

Validates a spec (YAML or JSON, version 1 or 2) or a Score v1b1 file against its JSON Schema and the
cross-field rules, then lists the features each target cannot express. The spec defaults to paasport.yaml.
Exit codes: 0 valid, 2 invalid.
`,
  generate: `Usage: paasport generate [spec] [--target <name>]... [--out <dir>] [--check]

The spec is a paasport spec (version 1 or 2) or a Score v1b1 file (score.yaml); default paasport.yaml.

Options:
  -t, --target <name>   only these targets (repeat or comma-separate); see \`paasport targets\`
  -o, --out <dir>       output root (default: the current directory)
      --check           write nothing; exit 1 and print a diff if any file differs
  -q, --quiet           print only warnings and errors

Nothing is written when the spec is invalid or a chosen target cannot carry a feature the app needs
(exit 2; the spec may accept such a loss with targets.<target>.accept). Unchanged files are left untouched.
`,
  targets: `Usage: paasport targets

Lists the targets \`paasport generate --target\` accepts.
`,
  init: `Usage: paasport init [file] [--force]

Writes a commented starter spec (default paasport.yaml). Refuses to overwrite unless --force.
`,
};
