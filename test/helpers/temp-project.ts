import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway project directory with the given files (paths relative to it); `cleanup()` removes it. */
export function makeTempProject(files: Record<string, string | object>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-test-'));
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** JSONL text from rows. */
export function jsonl(rows: object[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}

/** A minimal valid dataset row. */
export function row(
  id: string,
  mode = 'format-violation',
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { id, input: { question: id }, metadata: { failure_mode: mode }, ...extra };
}
