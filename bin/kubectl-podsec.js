#!/usr/bin/env node
// kubectl plugin entry: `kubectl podsec ...` runs the same CLI (with Node's compile cache, see podsec.js).
import module from 'node:module';

module.enableCompileCache?.();
await import('../dist/cli.js');
