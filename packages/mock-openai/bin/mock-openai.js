#!/usr/bin/env node
import { runCli } from '../dist/index.js';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`locusta-mock-openai: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
