import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { sha256 } from '../util/stable-json.js';

/** A judge prompt template file: `scorers/judge-prompts/<id>.md`, YAML front matter then the prompt body. */
export interface JudgePromptTemplate {
  id: string;
  /** Absolute path of the file. */
  file: string;
  /** The whole file, exactly as on disk: what the prompt hash covers. */
  text: string;
  /** sha256 of `text`. */
  hash: string;
  /** The prompt with `{{variables}}`. */
  body: string;
  description: string;
  /** Choice letter → score, from the front matter (the rubric scorer takes them from options instead). */
  choiceScores: Record<string, number>;
  /** Whether the judge lists claims one by one in its verdict (faithfulness). */
  claims: boolean;
}

const FRONT_MATTER = /^---\r?\n([\s\S]*?)\r?\n---\r?\n/;

/**
 * The directory holding the built-in judge prompts. Found by walking up from this module to the package
 * root, so it works from the sources (ts-jest), the compiled library (lib/src/judge) and the action's
 * bundle (dist/), all of which sit below the repository or package that ships `scorers/judge-prompts`.
 */
export function judgePromptsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'scorers', 'judge-prompts');
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new Error('tracegate: the judge prompt templates (scorers/judge-prompts) are missing');
    dir = parent;
  }
}

const loaded = new Map<string, JudgePromptTemplate>();

/** Load and parse a built-in judge prompt by id (cached per process). */
export function loadJudgePrompt(id: string): JudgePromptTemplate {
  let template = loaded.get(id);
  if (!template) {
    template = parseJudgePrompt(id, path.join(judgePromptsDir(), `${id}.md`));
    loaded.set(id, template);
  }
  return template;
}

/** Parse a template file: front matter (description, choice_scores, claims) and the body. */
export function parseJudgePrompt(id: string, file: string): JudgePromptTemplate {
  const text = readFileSync(file, 'utf8');
  const match = FRONT_MATTER.exec(text);
  const front = (match ? (parseYaml(match[1]) as Record<string, unknown>) : {}) ?? {};
  const choiceScores = (front.choice_scores ?? {}) as Record<string, number>;
  for (const [choice, score] of Object.entries(choiceScores)) {
    if (typeof score !== 'number' || score < 0 || score > 1)
      throw new Error(`${file}: choice_scores.${choice} must be a number between 0 and 1`);
  }
  return {
    id,
    file,
    text,
    hash: sha256(text),
    body: match ? text.slice(match[0].length) : text,
    description: typeof front.description === 'string' ? front.description : '',
    choiceScores,
    claims: front.claims === true,
  };
}

/**
 * Fill `{{name}}` placeholders in one pass (a value that itself contains `{{x}}` is never expanded, so text
 * from a case cannot inject template variables). Strings go in as they are; other values as indented JSON;
 * a missing value as an empty string.
 */
export function renderTemplate(body: string, variables: Record<string, unknown>): string {
  return body.replace(/\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g, (_, name: string) => asText(variables[name]));
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2);
}
