import type { Command } from './command.js';

/**
 * Every command, loaded lazily so that `hookstream --help` does not open Kafka or MySQL
 * clients. Add a command by adding one line here and one file under commands/.
 */
export const COMMANDS: Record<string, () => Promise<Command>> = {
  'dlq:inspect': async () => (await import('./commands/dlq-inspect.js')).command,
  'dlq:redrive': async () => (await import('./commands/dlq-redrive.js')).command,
  'subscriptions:setup': async () => (await import('./commands/subscriptions-setup.js')).command,
  'subscriptions:list': async () => (await import('./commands/subscriptions-list.js')).command,
  endpoints: async () => (await import('./commands/endpoints.js')).command,
  deliveries: async () => (await import('./commands/deliveries.js')).command,
};
