#!/usr/bin/env node
// The tracegate command. The compiled CLI lives in lib/ (built by `npm ci` through the prepare script).
import { main } from '../lib/src/cli/main.js';

// Exit (running 'exit' handlers, which stop `cmd:` task processes and write an interrupted run's partial
// results) rather than die on Ctrl-C or a CI cancellation; 128 + signal number, as shells report it.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));
process.once('SIGHUP', () => process.exit(129));

// The reader of our output went away (`tracegate eval | head`): stop writing to it, let the run finish
// and write its files, and say so through the exit code (never 0: the output the caller read is cut).
let outputClosed = false;
for (const stream of [process.stdout, process.stderr]) {
  // EPIPE mostly; any other error on our own output streams is the same for us: nobody reads it.
  stream.on('error', () => {
    outputClosed = true;
  });
}

// Whatever ends the process before main() has returned its code (a task or scorer module calling
// process.exit(0), say) must not look like a passing gate.
let finished = false;
process.on('exit', (code) => {
  if (!finished && code === 0) {
    process.exitCode = 2;
    try {
      process.stderr.write('tracegate: the process was ended (exit code 0) before the command finished\n');
    } catch {
      // stderr is gone too
    }
  }
});

main(process.argv).then(
  (code) => {
    finished = true;
    // A failed write reports its EPIPE on the next tick, after this promise callback: look one turn later.
    setImmediate(() => {
      if (outputClosed && code === 0) {
        code = 2;
        try {
          process.stderr.write(
            'tracegate: output was cut short (EPIPE: the reading end of the pipe closed); the files the command wrote are complete (see --out, default .tracegate/); pipe into a program that reads everything, or redirect to a file\n',
          );
        } catch {
          // stderr is the closed pipe as well
        }
      }
      // Let stdout/stderr drain (process.exit can cut piped output short); the unref'd timer only fires
      // if something, e.g. a user's task module, keeps the event loop alive.
      process.exitCode = code;
      setTimeout(() => process.exit(code), 500).unref();
    });
  },
  (error) => {
    finished = true;
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exit(3);
  },
);
