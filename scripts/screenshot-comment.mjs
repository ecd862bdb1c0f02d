#!/usr/bin/env node
// Renders the demo's regressed PR comment (report.md) the way GitHub does — GitHub-flavoured markdown
// through marked, styled by github-markdown-css, in a comment box of GitHub's width — and screenshots it in
// headless Chromium, so the picture in the README is generated from the real report and stays true.
//
//   node scripts/screenshot-comment.mjs [--out docs/pr-comment.png] [--chromium /usr/bin/chromium]
//
// Needs `npm run build` first (it runs the CLI) and a Chromium: Debian's `chromium` package by default,
// or the path in --chromium / $CHROMIUM_PATH.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';
import { marked } from 'marked';
import { chromium } from 'playwright-core';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string', default: path.join(repo, 'docs/pr-comment.png') },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH || '/usr/bin/chromium' },
    html: { type: 'string' },
  },
});

/** Run the demo twice — main's good build, then the regressed build against it — and return report.md. */
export function regressedReport() {
  const work = mkdtempSync(path.join(tmpdir(), 'tracegate-shot-'));
  const bin = path.join(repo, 'bin/tracegate.js');
  const run = (args, okCodes) => {
    try {
      execFileSync(process.execPath, [bin, ...args, '--quiet'], { cwd: repo, stdio: 'pipe' });
      if (!okCodes.includes(0)) throw new Error(`tracegate ${args.join(' ')} passed; expected it to fail`);
    } catch (error) {
      if (error.status === undefined || !okCodes.includes(error.status)) throw error;
    }
  };
  try {
    run(['eval', '--out', path.join(work, 'main')], [0]);
    run(
      [
        'eval',
        '--baseline',
        path.join(work, 'main/results.json'),
        '--task',
        'module:./examples/support-assistant/build-regressed.js#answer',
        '--out',
        path.join(work, 'pr'),
      ],
      [1],
    );
    return readFileSync(path.join(work, 'pr/report.md'), 'utf8');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The comment as a page: GitHub's markdown body inside a comment box (GitHub's timeline width). */
export function commentPage(markdown) {
  const require = createRequire(import.meta.url);
  const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8');
  const body = marked.parse(markdown, { gfm: true, breaks: false, async: false });
  return `<!doctype html><html><head><meta charset="utf-8"><style>${css}
body { margin: 0; padding: 16px; background: #fff; font-family: -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
.comment { width: 860px; border: 1px solid #d1d9e0; border-radius: 6px; }
.comment-header { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; font-size: 14px; color: #59636e; border-radius: 6px 6px 0 0; }
.comment-header b { color: #1f2328; }
.markdown-body { padding: 16px; font-size: 14px; }
</style></head><body><div class="comment"><div class="comment-header"><b>github-actions</b> <span>bot</span> commented</div>
<article class="markdown-body">${body}</article></div></body></html>`;
}

async function main() {
  if (!existsSync(values.chromium))
    throw new Error(
      `Chromium not found at ${values.chromium}: apt-get install chromium, or pass --chromium PATH`,
    );
  const html = commentPage(regressedReport());
  if (values.html) writeFileSync(values.html, html);
  const browser = await chromium.launch({ executablePath: values.chromium, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 900, height: 800 }, deviceScaleFactor: 1 });
    await page.setContent(html, { waitUntil: 'load' });
    await page.locator('.comment').screenshot({ path: values.out });
  } finally {
    await browser.close();
  }
  process.stdout.write(`wrote ${path.relative(process.cwd(), values.out)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
