/**
 * Make text from Braintrust (dataset, experiment and row names, error bodies) inert on a terminal or a CI
 * log: control characters (ESC sequences, CR, OSC 8 links) are shown as `\xNN`, and a line may not start
 * with `::`, which GitHub Actions would read as a workflow command.
 */
export function terminalSafe(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(
          /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
          (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
        )
        .replace(/^(\s*)::/, '$1: :'),
    )
    .join('\n');
}
