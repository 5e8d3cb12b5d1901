// PID 1's own log lines, in the shape node-init's TypeScript logger writes them (pino's JSON with the
// level as a label, or "node-init: warning: …" when stderr is a terminal): one format for whoever reads
// the container's log.
#pragma once
#include <stddef.h>

typedef enum { LOG_DEBUG = 20, LOG_INFO = 30, LOG_WARN = 40, LOG_ERROR = 50 } log_level;

// Lines below `level` are dropped; `pretty`: readable text instead of JSON.
void log_setup(log_level level, int pretty);
void log_line(log_level level, const char *format, ...) __attribute__((format(printf, 2, 3)));
// True when a line at `level` would be written (skip building one nobody sees).
int log_enabled(log_level level);

// A field of a record: JSON "key":value before "msg", or key=value in the pretty line's "(…)".
typedef struct {
  const char *key;
  const char *value;  // a string, or JSON text when `json` is set (a number, an array)
  int json;
} log_field;
void log_record(log_level level, const log_field *fields, int count, const char *format, ...) __attribute__((format(printf, 4, 5)));
// A line the planner rendered already (the TypeScript keeps those messages), written as it is.
void log_verbatim(const char *line);
// JSON text for an array of strings, in `out`; "[]" when it does not fit.
const char *log_json_strings(char *out, size_t size, char *const *strings);
