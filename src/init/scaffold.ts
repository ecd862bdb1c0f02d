import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomic } from '../output/write-atomic.js';
import { UsageError } from '../errors.js';
import type { DetectedProject } from './detect-project.js';
import {
  configFile,
  datasetFiles,
  datasetsReadme,
  GITIGNORE_ENTRIES,
  workflowFile,
} from './scaffold-templates.js';
import type { PlannedFile, TaskChoice } from './task-templates.js';

/** What init decided: the task, and whether to write the workflow. */
export interface InitAnswers {
  task: TaskChoice;
  workflow: boolean;
}

/** What happened to one file. */
export interface FileOutcome {
  path: string;
  action: 'created' | 'overwritten' | 'kept' | 'updated' | 'unchanged';
}

/** The files init writes for these answers, in the order they are reported. */
export function planFiles(project: DetectedProject, answers: InitAnswers): PlannedFile[] {
  const files = [configFile(answers.task.spec)];
  if (answers.task.adapter) files.push(answers.task.adapter);
  files.push(...datasetFiles(), datasetsReadme());
  if (answers.workflow) files.push(workflowFile(project));
  return files;
}

/**
 * Write the planned files. An existing file is kept as it is unless `force` (then it is replaced
 * atomically); .gitignore is only ever appended to, with the entries it lacks. Running init twice without
 * `force` therefore changes nothing.
 */
export async function writeScaffold(
  cwd: string,
  files: PlannedFile[],
  force: boolean,
): Promise<FileOutcome[]> {
  const outcomes: FileOutcome[] = [];
  for (const file of files) {
    const target = path.join(cwd, file.path);
    const exists = existsSync(target);
    if (exists && !force) {
      outcomes.push({ path: file.path, action: 'kept' });
      continue;
    }
    if (exists && readFileSync(target, 'utf8') === file.content) {
      outcomes.push({ path: file.path, action: 'unchanged' });
      continue;
    }
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeAtomic(target, file.content);
    } catch (error) {
      throw cannotWrite(file.path, error, outcomes);
    }
    outcomes.push({ path: file.path, action: exists ? 'overwritten' : 'created' });
  }
  try {
    outcomes.push(await ensureGitignore(cwd));
  } catch (error) {
    throw cannotWrite('.gitignore', error, outcomes);
  }
  return outcomes;
}

/** A file that cannot be written (a folder in the way, no permission) is the user's to fix: exit 2. */
function cannotWrite(file: string, error: unknown, done: FileOutcome[]): UsageError {
  const written = done.filter((o) => o.action === 'created' || o.action === 'overwritten').map((o) => o.path);
  return new UsageError(`init could not write ${file}: ${(error as Error).message}`, [
    written.length
      ? `Written before it (kept): ${written.join(', ')}. Fix the problem and run init again: it keeps what exists.`
      : 'Nothing was written. Fix the problem and run init again.',
  ]);
}

/** Append the entries .gitignore lacks (creating it if needed); never rewrites what is there. */
async function ensureGitignore(cwd: string): Promise<FileOutcome> {
  const file = path.join(cwd, '.gitignore');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  const lines = new Set((existing ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_ENTRIES.filter(
    (entry) => !lines.has(entry) && !lines.has(entry.replace(/\/$/, '')) && !lines.has(`/${entry}`),
  );
  if (missing.length === 0) return { path: '.gitignore', action: 'unchanged' };
  const separator = existing === undefined || existing === '' || existing.endsWith('\n') ? '' : '\n';
  const block = `# tracegate run outputs (results.json, report.md, junit.xml, the restored baseline)\n${missing.join('\n')}\n`;
  await writeAtomic(file, (existing ?? '') + separator + (existing ? '\n' : '') + block);
  return { path: '.gitignore', action: existing === undefined ? 'created' : 'updated' };
}
