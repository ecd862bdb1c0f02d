#!/usr/bin/env node
// The tracegate command. The compiled CLI lives in lib/ (built by `npm ci` through the prepare script).
import { main } from '../lib/src/cli/main.js';

// Exit (running 'exit' handlers, which stop `cmd:` task processes) rather than die on Ctrl-C or a CI
// cancellation; 128 + signal number, as shells report it.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main(process.argv).then(
  (code) => {
    // Let stdout/stderr drain (process.exit can cut piped output short); the unref'd timer only fires
    // if something, e.g. a user's task module, keeps the event loop alive.
    process.exitCode = code;
    setTimeout(() => process.exit(code), 500).unref();
  },
  (error) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(3);
  },
);
