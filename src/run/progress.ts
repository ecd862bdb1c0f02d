/** Something that hears about progress: a bar on a TTY, periodic plain lines otherwise, or nothing. */
export interface Progress {
  tick(passed: boolean): void;
  done(): void;
}

/**
 * A progress reporter on `stream` (stderr by default): a redrawn bar when it is a TTY, else a plain line at
 * most every `intervalMs` (CI logs stay readable). Redraws are throttled so progress costs nothing per case.
 */
export function createProgress(
  total: number,
  stream: NodeJS.WriteStream = process.stderr,
  intervalMs?: number,
): Progress {
  const tty = Boolean(stream.isTTY);
  const every = intervalMs ?? (tty ? 100 : 5000);
  const started = Date.now();
  let count = 0;
  let failed = 0;
  let last = started; // short runs print only the final line
  const draw = (final: boolean) => {
    const elapsed = ((Date.now() - started) / 1000).toFixed(1);
    if (tty) {
      const width = 30;
      const filled = total ? Math.round((count / total) * width) : width;
      stream.write(
        `\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${count}/${total} · ${failed} failing · ${elapsed}s${final ? '\n' : ''}`,
      );
    } else {
      stream.write(`tracegate: ${count}/${total} cases done, ${failed} failing, ${elapsed}s\n`);
    }
  };
  return {
    tick(passed) {
      count++;
      if (!passed) failed++;
      const now = Date.now();
      if (now - last >= every) {
        last = now;
        draw(false);
      }
    },
    done() {
      if (tty || count > 0) draw(true);
    },
  };
}

/** A progress reporter that reports nothing (library use, --json, tests). */
export const silentProgress: Progress = { tick() {}, done() {} };
