#!/usr/bin/env node
// Committed so npm links the `keygate` bin at install time, before the build creates dist/.
import '../dist/main.js';
