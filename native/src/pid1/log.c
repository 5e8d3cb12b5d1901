// See log.h. One write(2) per line, straight to fd 2: nothing is buffered, nothing lost at execve.
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static log_level threshold = LOG_WARN;
static int pretty_output = 0;

void log_setup(log_level level, int pretty) {
  threshold = level;
  pretty_output = pretty;
}

static const char *label(log_level level) {
  switch (level) {
    case LOG_DEBUG: return "debug";
    case LOG_INFO: return "info";
    case LOG_WARN: return "warn";
    default: return "error";
  }
}

// Appends `text` to out (at most `room` bytes with the NUL), escaped: for JSON, quotes, backslashes and
// control characters; for a terminal, control characters and line separators as \n, \t, \u001b, so that
// what a message quotes (a command name) stays on one line and never reaches the terminal as an escape.
static size_t escaped(char *out, size_t room, const char *text, int json) {
  size_t n = 0;
  for (const unsigned char *p = (const unsigned char *)text; *p && n + 7 < room; p++) {
    const char *short_form = *p == '\n' ? "\\n" : *p == '\r' ? "\\r" : *p == '\t' ? "\\t" : NULL;
    int c1_or_separator = !json && ((p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) || (p[0] == 0xe2 && p[1] == 0x80 && (p[2] == 0xa8 || p[2] == 0xa9)));
    if (short_form) {
      n += (size_t)snprintf(out + n, room - n, "%s", short_form);
    } else if (*p < 0x20 || (!json && *p == 0x7f)) {
      n += (size_t)snprintf(out + n, room - n, "\\u%04x", *p);
    } else if (c1_or_separator) {
      unsigned code = p[0] == 0xc2 ? p[1] : (p[2] == 0xa8 ? 0x2028 : 0x2029);
      n += (size_t)snprintf(out + n, room - n, "\\u%04x", code);
      p += p[0] == 0xc2 ? 1 : 2;
    } else if (json && (*p == '"' || *p == '\\')) {
      out[n++] = '\\';
      out[n++] = (char)*p;
    } else {
      out[n++] = (char)*p;
    }
  }
  out[n] = '\0';
  return n;
}

int log_enabled(log_level level) { return level >= threshold; }

static void write_line(char *line, int length, size_t size) {
  if (length > (int)size - 1) {  // cut, but still one whole line
    length = (int)size - 1;
    line[length - 1] = '\n';
  }
  ssize_t ignored = write(STDERR_FILENO, line, (size_t)length);
  (void)ignored;
}

static void vrecord(log_level level, const log_field *fields, int count, const char *format, va_list args) {
  if (level < threshold) return;
  char message[2048], text[4096], extra[4096], value[2048], line[8704];
  vsnprintf(message, sizeof message, format, args);
  size_t n = 0;
  extra[0] = '\0';
  for (int i = 0; i < count && n + 8 < sizeof extra; i++) {
    if (pretty_output) {
      n += (size_t)snprintf(extra + n, sizeof extra - n, "%s%s=%s", i ? " " : "", fields[i].key, fields[i].value);
    } else if (fields[i].json) {
      n += (size_t)snprintf(extra + n, sizeof extra - n, "\"%s\":%s,", fields[i].key, fields[i].value);
    } else {
      escaped(value, sizeof value, fields[i].value, 1);
      n += (size_t)snprintf(extra + n, sizeof extra - n, "\"%s\":\"%s\",", fields[i].key, value);
    }
    if (n >= sizeof extra) n = sizeof extra - 1;
  }
  int length;
  if (pretty_output) {
    escaped(text, sizeof text, message, 0);
    escaped(value, sizeof value, extra, 0);
    length = snprintf(line, sizeof line, "node-init: %s%s%s%s%s\n", level == LOG_WARN ? "warning: " : level == LOG_DEBUG ? "debug: " : "", text,
                      count ? " (" : "", count ? value : "", count ? ")" : "");
  } else {
    struct timespec now;
    struct tm utc;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &utc);
    escaped(text, sizeof text, message, 1);
    length = snprintf(line, sizeof line, "{\"level\":\"%s\",\"time\":\"%s.%03ldZ\",\"name\":\"node-init\",%s\"msg\":\"%s\"}\n", label(level), stamp,
                      now.tv_nsec / 1000000, extra, text);
  }
  write_line(line, length, sizeof line);
}

void log_line(log_level level, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vrecord(level, NULL, 0, format, args);
  va_end(args);
}

void log_record(log_level level, const log_field *fields, int count, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vrecord(level, fields, count, format, args);
  va_end(args);
}

void log_verbatim(const char *line) {
  ssize_t ignored = write(STDERR_FILENO, line, strlen(line));
  (void)ignored;
}

const char *log_json_strings(char *out, size_t size, char *const *strings) {
  size_t n = 0;
  char item[2048];
  out[n++] = '[';
  for (size_t i = 0; strings[i]; i++) {
    escaped(item, sizeof item, strings[i], 1);
    n += (size_t)snprintf(out + n, n < size ? size - n : 0, "%s\"%s\"", i ? "," : "", item);
  }
  if (n + 2 > size) return "[]";
  out[n++] = ']';
  out[n] = '\0';
  return out;
}
