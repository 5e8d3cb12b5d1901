'use strict';
// Loaded before anything else in node-init: the module's init records which fds were inherited and the
// stdio file-status flags before Node or node-init can change them (see src/posix_exec.c).
module.exports = require('./build/Release/posix_exec.node');
