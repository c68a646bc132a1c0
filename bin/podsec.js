#!/usr/bin/env node
// Node 22.1+ keeps the compiled bundle in its on-disk compile cache (V8 code cache) between runs,
// which takes most of the parse/compile work off start-up; older Node starts without it.
import module from 'node:module';
import v8 from 'node:v8';

module.enableCompileCache?.();
// V8 lets the old generation grow to up to 4x what survived the last full collection before it
// collects again; podsec's large runs (a plan of 100,000 workloads) hold one big structure while
// they allocate much short-lived text, so peak memory was ~4x the data. Growing by 20% at a time
// keeps the peak near the live data for about the same CPU (docs/decisions.md, "Plan memory").
v8.setFlagsFromString('--heap-growing-percent=20');
await import('../dist/cli.js');
