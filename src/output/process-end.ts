import { constants } from 'node:os';

/** How the process is ending while a run is still in progress. */
export type ProcessEnd = { kind: 'signal'; signal: NodeJS.Signals } | { kind: 'exit'; code: number };

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * Call `onEnd` synchronously if the process ends before the returned `release` is called: on `exit`
 * (someone called process.exit, e.g. a scorer module) and on SIGINT/SIGTERM/SIGHUP (Ctrl-C, a CI
 * cancellation). `onEnd` must be synchronous: nothing asynchronous runs once the process is exiting.
 *
 * Signals: when the program has its own handler (the CLI's entry turns signals into exit codes), that
 * handler decides and `onEnd` runs from the `exit` that follows. When nobody else listens (a library
 * user, the action), the default behaviour is kept: after `onEnd` the signal is raised again, so the
 * process still dies of it.
 */
export function onProcessEnd(onEnd: (end: ProcessEnd) => void): () => void {
  let done = false;
  const fire = (end: ProcessEnd) => {
    if (done) return;
    done = true;
    onEnd(end);
  };
  let signalled: NodeJS.Signals | undefined;
  // The CLI's own signal handler runs before ours and exits with 128 + the signal's number.
  const onExit = (code: number) => {
    const signal = signalled ?? signalOfExitCode(code);
    fire(signal ? { kind: 'signal', signal } : { kind: 'exit', code });
  };
  const handlers = new Map<NodeJS.Signals, () => void>();
  const release = () => {
    process.removeListener('exit', onExit);
    for (const [signal, handler] of handlers) process.removeListener(signal, handler);
    handlers.clear();
  };
  for (const signal of SIGNALS) {
    const handler = () => {
      signalled = signal;
      const others = process.listenerCount(signal) > 1;
      if (others) return; // the program's own handler exits; `exit` then calls onEnd
      fire({ kind: 'signal', signal });
      release();
      process.kill(process.pid, signal);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
  process.on('exit', onExit);
  return () => {
    done = true;
    release();
  };
}

/** SIGTERM for 143 and the like: how shells (and the CLI's entry) report death by a signal. */
function signalOfExitCode(code: number): NodeJS.Signals | undefined {
  if (code <= 128) return undefined;
  const entry = Object.entries(constants.signals).find(([, n]) => n === code - 128);
  return entry && SIGNALS.includes(entry[0] as NodeJS.Signals) ? (entry[0] as NodeJS.Signals) : undefined;
}
