import { realpathSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from '../errors.js';
import { askAnswers, type PromptIO } from './ask-answers.js';
import { detectProject, type DetectedProject } from './detect-project.js';
import { planFiles, writeScaffold, type FileOutcome, type InitAnswers } from './scaffold.js';
import { defaultTask } from './task-templates.js';
import { checkTaskSpec } from './task-spec.js';

/** How `tracegate init` was asked to run. */
export interface InitOptions {
  cwd: string;
  /** Take every default without asking. */
  yes?: boolean;
  /** Replace files that exist. */
  force?: boolean;
  /** A task spec instead of the detected adapter (no adapter file is written then). */
  task?: string;
  /** Leave .github/workflows/tracegate.yml out. */
  workflow?: boolean;
  /** Ask on these streams (a TTY); undefined means take the defaults. */
  prompt?: PromptIO;
}

/** What init did, for the command to print. */
export interface InitOutcome {
  project: DetectedProject;
  answers: InitAnswers;
  files: FileOutcome[];
  /** Things the user must do by hand, said once after the file list. */
  notes: string[];
  /** The three commands to run next. */
  next: string[];
}

/** `tracegate init`: detect the project, decide (ask, or take defaults), write what is missing. */
export async function runInit(options: InitOptions): Promise<InitOutcome> {
  const cwd = path.resolve(options.cwd);
  const project = detectProject(cwd);
  let answers: InitAnswers;
  if (options.task !== undefined) {
    const problem = checkTaskSpec(options.task, cwd);
    if (problem) throw new UsageError(`Invalid --task: ${problem}`);
    answers = { task: { spec: options.task.trim() }, workflow: options.workflow !== false };
  } else if (options.prompt && !options.yes) {
    answers = await askAnswers(project, cwd, options.prompt);
    if (options.workflow === false) answers.workflow = false;
  } else {
    answers = { task: defaultTask(project), workflow: options.workflow !== false };
  }
  const files = await writeScaffold(cwd, planFiles(project, answers), options.force === true);
  const notes: string[] = [];
  if (answers.workflow && project.gitRoot && realpathSync(project.gitRoot) !== realpathSync(cwd)) {
    const relative = path.relative(realpathSync(project.gitRoot), realpathSync(cwd));
    notes.push(
      `GitHub runs workflows only from the repository root: move .github/workflows/tracegate.yml to ${path.join(project.gitRoot, '.github/workflows')} and give the tracegate step "working-directory: ${relative}".`,
    );
  }
  return { project, answers, files, notes, next: nextCommands(answers) };
}

function nextCommands(answers: InitAnswers): string[] {
  return [
    answers.task.adapter || answers.task.spec === 'replay'
      ? 'npx tracegate eval                                             # the example rows: exits 0'
      : `npx tracegate eval                                             # the example rows against ${answers.task.spec}`,
    'npx tracegate promote --from traces.jsonl --label hallucination   # a production failure becomes a row',
    `git add tracegate.config.json datasets${answers.workflow ? ' .github/workflows/tracegate.yml' : ''}${
      answers.task.adapter ? ` ${answers.task.adapter.path}` : ''
    } .gitignore && git commit -m "tracegate"`,
  ];
}

/** The report init prints: each file and what happened to it, then the next three commands. */
export function renderInitOutcome(outcome: InitOutcome): string {
  const width = Math.max(...outcome.files.map((f) => f.path.length));
  const lines = [`tracegate init: ${outcome.project.evidence}; task ${outcome.answers.task.spec}`, ''];
  for (const f of outcome.files) {
    const note = f.action === 'kept' ? 'kept (exists; --force overwrites)' : f.action;
    lines.push(`  ${f.path.padEnd(width)}  ${note}`);
  }
  if (outcome.answers.task.adapter)
    lines.push(
      '',
      `Wire ${outcome.answers.task.adapter.path} to your app; until then it replays the recorded outputs.`,
    );
  for (const note of outcome.notes) lines.push('', `Note: ${note}`);
  lines.push('', 'Next:', ...outcome.next.map((c, i) => `  ${i + 1}. ${c}`), '');
  return lines.join('\n');
}
