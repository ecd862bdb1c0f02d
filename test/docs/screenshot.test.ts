import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { repo } from '../helpers/cli.js';

// The README's picture of the PR comment is generated, not drawn: scripts/screenshot-comment.mjs runs the
// demo's regressed build against main, renders report.md as GitHub does and screenshots it in Chromium.

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number; signature: string } {
  const bytes = readFileSync(file);
  return {
    signature: bytes.subarray(0, 8).toString('hex'),
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
  };
}

test("the committed picture is a PNG of the comment at GitHub's width", () => {
  const size = pngSize(path.join(repo, 'docs/pr-comment.png'));
  expect(size.signature).toBe('89504e470d0a1a0a');
  expect(size.width).toBe(862);
  expect(size.height).toBeGreaterThan(400);
});

test('scripts/screenshot-comment.mjs renders the regressed report in headless Chromium', () => {
  if (!existsSync(chromium)) {
    console.log(`skip: no Chromium at ${chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
    return;
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'tracegate-shot-test-'));
  try {
    const out = path.join(dir, 'comment.png');
    const html = path.join(dir, 'comment.html');
    const run = spawnSync(
      process.execPath,
      [
        path.join(repo, 'scripts/screenshot-comment.mjs'),
        '--out',
        out,
        '--html',
        html,
        '--chromium',
        chromium,
      ],
      { cwd: repo, encoding: 'utf8' },
    );
    expect({ code: run.status, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(pngSize(out)).toMatchObject({ signature: '89504e470d0a1a0a', width: 862 });
    expect(pngSize(out).height).toBeGreaterThan(400);
    // What was screenshot is the real regressed report, rendered as GitHub's markdown.
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('class="markdown-body"');
    expect(page).toMatch(/tracegate/);
    expect(page).toMatch(/regress/);
    expect(page).toContain('<table>');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 120000);
