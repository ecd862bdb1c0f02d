/**
 * A problem with what the user gave us (usage, config, dataset or task spec): the CLI exits 2 and prints
 * every line of `problems`. Anything else that escapes is a bug.
 */
export class UsageError extends Error {
  readonly problems: string[];
  constructor(title: string, problems: string[] = []) {
    super(problems.length ? `${title}\n${problems.map((p) => `  ${p}`).join('\n')}` : title);
    this.name = 'UsageError';
    this.problems = problems;
  }
}
