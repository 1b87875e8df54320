// YAML for Kubernetes manifests and Helm templates: objects are built as plain data, and the places where a
// Helm template needs a Go template expression (a number, a block from values) hold markers that are swapped
// for the expression after serializing, so the YAML library never quotes them.
import { renderYaml } from '../../render/text.js';

export interface Templates {
  /** A scalar written as the expression itself, e.g. `{{ .Values.replicas }}` (not quoted). */
  scalar(expr: string): string;
  /** A block value: `key: {{- toYaml <expr> | nindent <n> }}` with the indent of the key's children. */
  block(expr: string): string;
  /** Serializes one object and replaces the markers. */
  yaml(value: unknown, header?: string[]): string;
}

export function createTemplates(): Templates {
  const exprs: string[] = [];
  const mark = (kind: 'S' | 'B', expr: string) => {
    exprs.push(expr);
    return `@@${kind}${exprs.length - 1}@@`;
  };
  return {
    scalar: (expr) => mark('S', expr),
    block: (expr) => mark('B', expr),
    yaml(value, header) {
      const text = renderYaml(value, header ? { header } : {});
      return text
        .replace(
          /^( *)(-? ?)([^\n]*?): '?@@B(\d+)@@'?$/gm,
          (_, indent: string, dash: string, key: string, i) => {
            const width = indent.length + dash.length + 2;
            return `${indent}${dash}${key}: {{- toYaml ${exprs[Number(i)]} | nindent ${width} }}`;
          },
        )
        .replace(/'?@@S(\d+)@@'?/g, (_, i) => exprs[Number(i)] as string);
    },
  };
}

/** A document joined from several objects (`---` between them). */
export function documents(parts: string[]): string {
  return parts.map((p) => (p.endsWith('\n') ? p : `${p}\n`)).join('---\n');
}
