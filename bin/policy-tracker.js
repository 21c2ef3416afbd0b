#!/usr/bin/env node
// Entry point for `npx policy-tracker`. Loads the TypeScript sources through tsx (a runtime
// dependency), so that the command works straight after `npm ci` with no build step.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';
import { register } from 'tsx/esm/api';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
register();
await import(pathToFileURL(join(root, 'cli', 'main.ts')).href);
