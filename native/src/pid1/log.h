// PID 1's own log lines, in the shape node-init's TypeScript logger writes them (pino's JSON with the
// level as a label, or "node-init: warning: …" when stderr is a terminal): one format for whoever reads
// the container's log.
#pragma once

typedef enum { LOG_DEBUG = 20, LOG_INFO = 30, LOG_WARN = 40, LOG_ERROR = 50 } log_level;

// Lines below `level` are dropped; `pretty`: readable text instead of JSON.
void log_setup(log_level level, int pretty);
void log_line(log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
