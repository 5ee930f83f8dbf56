#!/usr/bin/env node
// The `juni` command. Committed (not built) so `npm ci` can link it before `npm run build` runs.
import '../dist/bin.js';
