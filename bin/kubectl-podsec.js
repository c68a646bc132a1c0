#!/usr/bin/env node
// kubectl plugin entry: `kubectl podsec ...` runs the same CLI.
import '../dist/cli.js';
