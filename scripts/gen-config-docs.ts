// Writes docs/configuration.md and .env.example from the server's settings tables.
import { writeFileSync } from 'node:fs';
import { renderConfigurationMd, renderEnvExample } from '../src/server/config/docs.js';

writeFileSync('docs/configuration.md', renderConfigurationMd());
writeFileSync('.env.example', renderEnvExample());
console.log('wrote docs/configuration.md and .env.example');
