// Bundles src/cli.tsx into dist/cli.js (settings proven in shared docs/stack.md). Code splitting
// keeps each lazily imported command in its own chunk, so `podsec --help` parses a small entry
// file instead of the whole program (Ink, the Kubernetes client, zod, ...).
import { rmSync } from 'node:fs';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./src/ui/devtools-stub.ts', import.meta.url));

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
  logLevel: 'warning',
});
