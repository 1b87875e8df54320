// What the importer could not carry over (`skip`) or carried over differently (`change`), each with where
// in the compose file it was and why; printed to stderr and written as the spec's header comment.

export interface Finding {
  kind: 'skip' | 'change';
  where: string;
  reason: string;
}

export class Findings {
  readonly list: Finding[] = [];
  private readonly seen = new Set<string>();

  skip(where: string, reason: string): void {
    this.add({ kind: 'skip', where, reason });
  }

  change(where: string, reason: string): void {
    this.add({ kind: 'change', where, reason });
  }

  private add(f: Finding): void {
    const key = `${f.kind}\0${f.where}\0${f.reason}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.list.push(f);
  }

  of(kind: Finding['kind']): Finding[] {
    return this.list.filter((f) => f.kind === kind);
  }
}

export const formatFinding = (f: Finding) => `${f.where}: ${f.reason}`;
