// N-API helpers shared by the addon's source files (defined in posix_exec.c).
#pragma once
#include <node_api.h>
#include <stdint.h>

// Throws a TypeError (unless one is pending) and returns NULL.
napi_value throw_bad_args(napi_env env);
napi_value make_int(napi_env env, int64_t value);
// A uid/gid in 0..INT32_MAX; returns 0 when the value is not one.
int get_id(napi_env env, napi_value value, uint32_t *out);
// A malloc'd copy of a JS string without embedded NULs, or NULL.
char *get_string(napi_env env, napi_value value);
// Fills args with exactly `expected` arguments; NULL when the count differs.
napi_value get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *args);
