// Writes dist/client/client.bundle.js, the self-contained module served at /v1/client.js, after tsc compiled
// dist/server (the bundling options live in src/server/http/client-bundle.ts, used here as compiled).
import { mkdirSync } from 'node:fs';
import { bundleClient } from '../dist/server/http/client-bundle.js';

mkdirSync('dist/client', { recursive: true });
await bundleClient('dist/client/client.bundle.js');
