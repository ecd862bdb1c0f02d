// Bundles the action (src/action/index.ts) into dist/ with esbuild. Output is deterministic, so CI can
// rebuild it and fail when the committed dist/ differs. Heavy optional parts (braintrust SDK, autoevals'
// LLM scorers, jiti) are dynamic imports and land in separate chunks that load only when used.
import { build } from 'esbuild';
import { rm } from 'node:fs/promises';

await rm('dist', { recursive: true, force: true });
const result = await build({
  entryPoints: { index: 'src/action/index.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  chunkNames: 'chunks/[name]-[hash]',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: { js: "import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);" },
});
const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
const entry = result.metafile.outputs['dist/index.js'].bytes;
console.log(`dist/: ${(entry / 1024).toFixed(0)} KiB entry, ${(bytes / 1024 / 1024).toFixed(1)} MiB with lazy chunks`);
