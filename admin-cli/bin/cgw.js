#!/usr/bin/env node
// Installed entry point: runs the TypeScript CLI through tsx (the project pins Node 24).
require('tsx/cjs');
require('../main.ts');
