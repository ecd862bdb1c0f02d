import path from 'node:path';
import { findConfigFile, loadConfig } from '../../src/config/load-config.js';
import { UsageError } from '../../src/errors.js';
import { makeTempProject } from '../helpers/temp-project.js';

describe('loadConfig', () => {
  it('runs on sensible defaults when there is no config file', async () => {
    const project = makeTempProject({ '.git/HEAD': 'ref: refs/heads/main\n' });
    const { config, file } = await loadConfig(project.dir);
    project.cleanup();
    expect(file).toBeUndefined();
    expect(config).toMatchObject({
      task: 'replay',
      datasets: 'datasets/**/*.jsonl',
      out: '.tracegate',
      trials: 1,
      concurrency: 8,
      fail_on: 'both',
    });
  });

  it.each([
    ['tracegate.config.json', JSON.stringify({ trials: 3 })],
    ['tracegate.config.yaml', 'trials: 3\n'],
    ['tracegate.config.js', 'export default { trials: 3 };\n'],
    ['tracegate.config.ts', 'const trials: number = 3;\nexport default { trials };\n'],
  ])('reads %s', async (name, content) => {
    const project = makeTempProject({ [name]: content });
    const { config, file } = await loadConfig(project.dir);
    project.cleanup();
    expect(file).toBe(path.join(project.dir, name));
    expect(config.trials).toBe(3);
  });

  it('is found upward from a subdirectory, and relative paths resolve against its directory', async () => {
    const project = makeTempProject({ 'tracegate.config.json': '{}', 'a/b/keep.txt': '' });
    expect(findConfigFile(path.join(project.dir, 'a/b'))).toBe(
      path.join(project.dir, 'tracegate.config.json'),
    );
    const loaded = await loadConfig(path.join(project.dir, 'a/b'));
    expect(loaded.dir).toBe(project.dir);
    project.cleanup();
  });

  it('lists every problem at once with the key path and the fix', async () => {
    const project = makeTempProject({
      'tracegate.config.json': JSON.stringify({
        trials: 0,
        fail_on: 'sometimes',
        failure_modes: {
          'format-violation': { threshold: 1.5, scorers: [{ id: 'json-schema', mode: 'loud' }] },
        },
        colour: 'blue',
      }),
    });
    let problems: string[] = [];
    try {
      await loadConfig(project.dir);
    } catch (error) {
      expect(error).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(/^Invalid config in tracegate\.config\.json:/);
      problems = (error as UsageError).problems;
    }
    project.cleanup();
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^trials: .* — use a whole number from 1 to 100$/),
        expect.stringMatching(/^fail_on: .* — use "regression", "threshold", "both" or "never"$/),
        expect.stringMatching(
          /^failure_modes\.format-violation\.threshold: .*— use a pass rate between 0 and 1/,
        ),
        expect.stringMatching(
          /^failure_modes\.format-violation\.scorers\.0.*— use "blocking" \(gates the PR\) or "shadow"/,
        ),
        expect.stringMatching(/^\(root\): unknown key "colour" Keys allowed here: task, datasets,/),
      ]),
    );
  });

  it('names a missing --config file', async () => {
    await expect(loadConfig(process.cwd(), 'nope.json')).rejects.toThrow('Config file not found: nope.json');
  });
});
