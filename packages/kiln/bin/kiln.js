#!/usr/bin/env node
// The `kiln` command: a committed launcher, so npm can link it before `dist/` is built.
import "../dist/bundle/cli/main.js";
