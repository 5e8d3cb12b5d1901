'use strict';
// For the tests and tools that load the addon as a package; node-init's planner loads the .node file by
// the real path PID 1 checked (src/native.ts).
module.exports = require('./build/Release/posix_exec.node');
