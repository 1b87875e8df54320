// The package's server entry (`import { startServer } from 'paasport'`): embed the server in a Node process.
// It needs the server's dependencies, which the package lists as optional peers (see README, "Install").
export { type Config, ConfigError, loadConfig } from './config/load.js';
export { createLogger, type Logger } from './logger.js';
export { type RunningServer, startServer } from './server.js';
