#!/usr/bin/env node
// Node 22.1+ keeps the compiled bundle in its on-disk compile cache (V8 code cache) between runs,
// which takes most of the parse/compile work off start-up; older Node starts without it.
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/cli.js');
