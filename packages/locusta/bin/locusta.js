#!/usr/bin/env node
// The `locusta` command. User files import 'locusta'; the CLI points those imports at this
// package's own entry, so a user file anywhere on disk shares this process's classes and events.
import { readFileSync } from 'node:fs';
import { tuneHeap } from './heap.js';

// Before anything else is loaded: the heap settings must be in place while the heap is small.
tuneHeap();
const { main } = await import('@locusta/cli');

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const code = await main(process.argv.slice(2), {
  locustaEntry: new URL('../dist/index.js', import.meta.url).href,
  version: pkg.version,
});
// Keep-alive sockets and timers of stopped users must not hold the process open.
process.exit(code);
