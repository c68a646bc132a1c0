// Bundles src/cli.tsx into dist/cli.js (settings proven in shared docs/stack.md). Code splitting
// keeps each lazily imported command in its own chunk, so `podsec --help` parses a small entry
// file instead of the whole program (Ink, the Kubernetes client, zod, ...).
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
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
      if (patched === source)
        throw new Error(`yoga-without-fetch: no \`typeof fetch\` in ${args.path} (yoga-layout changed?)`);
      return { contents: patched, loader: 'js' };
    });
  },
};

const outdir = resolve('dist');

const result = await build({
  write: false,
  entryPoints: ['src/cli.tsx'],
  outdir,
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

// dist/ is never deleted or half-written, so `npm test` can rebuild it while other processes (a
// concurrent test run, a running `podsec`) use it: each file is written to a temp name beside it
// and renamed into place (atomic), chunks before the entry that imports them; files the new build
// no longer produces are removed last. Leftover temp files of a crashed build are removed once
// they are a minute old.
const TMP = `.tmp-${process.pid}-`;
const written = new Set();
const files = [...result.outputFiles].sort(
  (a, b) => Number(a.path.includes('/chunks/') === false) - Number(b.path.includes('/chunks/') === false),
);
for (const f of files) {
  mkdirSync(dirname(f.path), { recursive: true });
  const tmp = join(dirname(f.path), `${TMP}${f.path.split('/').pop()}`);
  writeFileSync(tmp, f.contents);
  renameSync(tmp, f.path);
  written.add(f.path);
}
const walk = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)],
  );
for (const p of walk(outdir)) {
  if (written.has(p)) continue;
  const name = relative(outdir, p);
  if (/(^|\/)\.tmp-\d+-/.test(name) && Date.now() - statSync(p, { throwIfNoEntry: false })?.mtimeMs < 60_000) continue; // another build's
  rmSync(p, { force: true });
}
