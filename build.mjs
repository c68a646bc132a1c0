// Bundles src/cli.tsx into one ESM file, dist/cli.js (settings proven in shared docs/stack.md).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const stub = fileURLToPath(new URL('./src/ui/devtools-stub.ts', import.meta.url));

await build({
  entryPoints: ['src/cli.tsx'],
  outfile: 'dist/cli.js',
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
