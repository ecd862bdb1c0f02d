// Bundles the action (src/action/index.ts) into dist/ with esbuild. Output is deterministic, so CI can
// rebuild it and fail when the committed dist/ differs. Heavy optional parts are dynamic imports and land
// in separate chunks that load only when used: Octokit (only when commenting), the evaluation engine (not
// in merge mode), the braintrust SDK, autoevals' LLM scorers, jiti.
import { build } from 'esbuild';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * @actions/core imports its OIDC client (and through it @actions/http-client and undici, ~400 KiB) at
 * start-up, only for `core.getIDToken`, which tracegate never calls. Swap the module for a stub that loads
 * the real client on first use, so start-up does not parse undici.
 */
const lazyOidc = {
  name: 'lazy-actions-core-oidc',
  setup(b) {
    b.onResolve({ filter: /^\.\/oidc-utils\.js$/ }, (args) => {
      // The stub's own import of the real module resolves normally.
      if (
        args.namespace === 'lazy-oidc' ||
        !args.importer.includes(`${path.sep}@actions${path.sep}core${path.sep}`)
      )
        return undefined;
      // A fixed, relative name: no absolute path may reach the output, or the chunk hashes would differ
      // between checkouts and CI would see a stale dist/.
      return {
        path: 'actions-core-oidc-utils',
        namespace: 'lazy-oidc',
        pluginData: { dir: path.dirname(args.importer) },
      };
    });
    b.onLoad({ filter: /.*/, namespace: 'lazy-oidc' }, (args) => ({
      resolveDir: args.pluginData.dir,
      contents: `export class OidcClient {
  static async getIDToken(audience) {
    const real = await import('./oidc-utils.js');
    return real.OidcClient.getIDToken(audience);
  }
}
`,
    }));
  },
};

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
  plugins: [lazyOidc],
  // CommonJS dependencies inside an ESM bundle still call require() for Node built-ins.
  banner: {
    js: "import { createRequire as __tgCreateRequire } from 'node:module'; const require = __tgCreateRequire(import.meta.url);",
  },
});
const outputs = result.metafile.outputs;
const bytes = Object.values(outputs).reduce((n, o) => n + o.bytes, 0);
// What start-up loads: the entry and the chunks it imports statically, transitively.
const eager = new Set(['dist/index.js']);
for (const file of eager)
  for (const i of outputs[file].imports)
    if (i.kind === 'import-statement' && outputs[i.path]) eager.add(i.path);
const eagerBytes = [...eager].reduce((n, f) => n + outputs[f].bytes, 0);
console.log(
  `dist/: ${(outputs['dist/index.js'].bytes / 1024).toFixed(0)} KiB entry, ${(eagerBytes / 1024).toFixed(0)} KiB loaded at start-up, ` +
    `${(bytes / 1024 / 1024).toFixed(1)} MiB with lazy chunks`,
);
// The metafile (which package landed in which chunk) for bench/action-startup.bench.mjs; not committed.
await mkdir('node_modules/.cache/tracegate', { recursive: true });
await writeFile('node_modules/.cache/tracegate/bundle-meta.json', JSON.stringify(result.metafile));
