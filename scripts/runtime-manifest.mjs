// Rewrites package.json for the server image: the server's dependencies, which the published package lists
// as optional peers (so `npx paasport generate` and `paasport/client` stay light), become plain dependencies
// and the dev tools go. `npm install --omit=dev` then installs exactly the locked versions of what runs.
import { readFileSync, writeFileSync } from 'node:fs';

const file = process.argv[2] ?? 'package.json';
const pkg = JSON.parse(readFileSync(file, 'utf8'));
pkg.dependencies = { ...pkg.dependencies, ...pkg.peerDependencies };
delete pkg.peerDependencies;
delete pkg.peerDependenciesMeta;
delete pkg.devDependencies;
delete pkg.scripts?.prepack;
writeFileSync(file, `${JSON.stringify(pkg, null, 2)}\n`);
console.log(`runtime manifest: ${Object.keys(pkg.dependencies).length} dependencies`);
