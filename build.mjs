// Bundles src/cli.tsx into dist/cli.js (settings proven in shared docs/stack.md). Code splitting
// keeps each lazily imported command in its own chunk, so `podsec --help` parses a small entry
// file instead of the whole program (Ink, the Kubernetes client, zod, ...).
import { readFileSync, rmSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./src/ui/devtools-stub.ts', import.meta.url));

// yoga-layout (Ink's layout engine) inlines its wasm as a data: URI and, when `fetch` exists,
// "downloads" it with fetch(), which loads Node's undici first: about 70 ms before the first
// frame of the TUI. Without fetch it decodes the same bytes synchronously.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: /yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const patched = source.replaceAll('typeof fetch', '"undefined"');
      if (patched === source) throw new Error(`yoga-without-fetch: no \`typeof fetch\` in ${args.path} (yoga-layout changed?)`);
      return { contents: patched, loader: 'js' };
    });
  },
};

rmSync('dist', { recursive: true, force: true });

await build({
  entryPoints: ['src/cli.tsx'],
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  jsx: 'automatic',
  minify: true,
  sourcemap: false,
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': '"production"' },
  alias: { 'react-devtools-core': stub },
  banner: {
    js: "import { createRequire as __podsecCreateRequire } from 'node:module'; const require = __podsecCreateRequire(import.meta.url);",
  },
  plugins: [yogaWithoutFetch],
  logLevel: 'warning',
});
