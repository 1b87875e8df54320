// Line diff (longest common subsequence) for `generate --check`, printed in unified style without hunks math.
export function lineDiff(path: string, before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  // Plain LCS table; generated files are small (hundreds of lines).
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: { sign: ' ' | '-' | '+'; text: string }[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ sign: ' ', text: a[i++]! });
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ sign: '+', text: b[j++]! });
    } else {
      ops.push({ sign: '-', text: a[i++]! });
    }
  }
  const keep = ops.map((_op, k) =>
    ops.slice(Math.max(0, k - context), k + context + 1).some((o) => o.sign !== ' '),
  );
  const out = [`--- ${path} (on disk)`, `+++ ${path} (generated)`];
  let gap = false;
  ops.forEach((op, k) => {
    if (keep[k]) {
      out.push(`${op.sign}${op.text}`);
      gap = false;
    } else if (!gap) {
      out.push('@@');
      gap = true;
    }
  });
  return `${out.join('\n')}\n`;
}
