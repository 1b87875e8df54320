// What a one-click service cannot say with `image` and `command` it can say in a Dockerfile CapRover builds
// on the server (`caproverExtra.dockerfileLines`): args as the CMD under the image's own ENTRYPOINT, and
// files with content written by COPY heredocs (BuildKit, CapRover 1.15+; no shell needed in the image).
import type { CapCtx } from './app-values.js';

export interface BuiltFile {
  path: string;
  /** Rendered content: `$$cap_` variables in it are filled in at deploy, like everywhere in the template. */
  content: string;
  mode?: string;
}

/** The Dockerfile lines, or undefined when the image can be used as it is. */
export function dockerfileLines(
  owner: string,
  image: string,
  build: { args?: string[]; files: BuiltFile[] },
  ctx: CapCtx,
): string[] | undefined {
  if (!build.args && build.files.length === 0) return undefined;
  const lines = [`FROM ${image}`];
  build.files.forEach((f, i) => {
    const body = f.content.endsWith('\n') ? f.content.slice(0, -1) : f.content;
    let delimiter = `PAASPORT_FILE_${i + 1}`;
    while (body.split('\n').includes(delimiter)) delimiter += '_';
    // A quoted delimiter keeps the content verbatim: no Dockerfile variable expansion.
    lines.push(
      `COPY ${f.mode ? `--chmod=${f.mode} ` : ''}<<"${delimiter}" ${f.path}`,
      ...body.split('\n'),
      delimiter,
    );
  });
  if (build.args) lines.push(`CMD ${JSON.stringify(build.args)}`);
  const why = [
    build.args && "its args become the CMD under the image ENTRYPOINT (CapRover's command would replace it)",
    build.files.length > 0 &&
      `its files (${build.files.map((f) => f.path).join(', ')}) are written into the image, generated secrets included`,
  ].filter(Boolean);
  ctx.report.warn(
    owner,
    `built on the server from ${lines[0]} (needs CapRover 1.15+ with BuildKit; a cluster needs a registry): ${why.join('; ')}`,
  );
  return lines;
}
