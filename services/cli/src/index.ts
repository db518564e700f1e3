/** @module cli: operator commands (`npm run cli -- <command>`). */
export { runCli } from './run.js';
export { COMMANDS } from './registry.js';
export { UsageError, type Command, type CommandContext } from './command.js';
