import { execFileSync } from 'node:child_process';
import { bin } from '../helpers/cli.js';

/** What `--help` says a command accepts. */
export interface CommandHelp {
  /** Long flags (`--task`, `--no-scrub`), plus short ones (`-y`). */
  flags: Set<string>;
  /** Subcommands, for the top-level help. */
  commands: Set<string>;
  /** Each option's whole entry, wrapped lines joined: `--task <spec> module:… (default: …)`. */
  entries: string[];
}

const cache = new Map<string, CommandHelp>();

/**
 * Parse `tracegate [command …] --help` (run once per command): its option flags and subcommands. A command
 * is a word (`eval`) or a path of words for nested ones (`push datasets`).
 */
export function commandHelp(command: string | string[] | undefined): CommandHelp {
  const words = command === undefined ? [] : Array.isArray(command) ? command : [command];
  const key = words.join(' ');
  const cached = cache.get(key);
  if (cached) return cached;
  const text = execFileSync(process.execPath, [bin, ...words, '--help'], {
    encoding: 'utf8',
  });
  const flags = new Set<string>();
  const commands = new Set<string>();
  const entries: string[] = [];
  let section = '';
  for (const line of text.split('\n')) {
    const heading = /^(\w+):/.exec(line);
    if (heading) {
      section = heading[1];
      continue;
    }
    if (section === 'Options') {
      const m = /^ {2}(?:(-\w), )?(--[\w-]+)/.exec(line);
      if (m) {
        if (m[1]) flags.add(m[1]);
        flags.add(m[2]);
        entries.push(line.trim());
      } else if (/^ {3,}\S/.test(line) && entries.length) {
        entries[entries.length - 1] += ' ' + line.trim(); // a wrapped description
      }
    } else if (section === 'Commands') {
      const m = /^ {2}([\w-]+)/.exec(line);
      if (m && m[1] !== 'help') commands.add(m[1]);
    }
  }
  const help = { flags, commands, entries };
  cache.set(key, help);
  return help;
}

/** The long flags of `--help` that a flag table should list (not --help, not --version). */
export function documentedFlags(command: string): string[] {
  return [...commandHelp(command).flags].filter((f) => f.startsWith('--') && f !== '--help').sort();
}

/**
 * The command a line of words names, descending into nested commands (`push datasets`) while each word is a
 * subcommand of the one before: the path, or undefined when the first word is no command.
 */
export function commandPath(args: string[]): string[] | undefined {
  const path: string[] = [];
  for (const word of args) {
    if (word.startsWith('-')) break;
    if (!commandHelp(path).commands.has(word)) break;
    path.push(word);
  }
  return path.length ? path : undefined;
}
