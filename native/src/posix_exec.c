// posix-exec-native: the POSIX calls node-init's planner needs and Node does not offer.
//
// The process boundary (the privilege drop, exec, the supervisor) belongs to the native PID 1 program
// (src/pid1/); the planner only reads who it runs as, what the kernel knows, and walks paths for the
// setup steps (paths.c, chown_tree.c). Every function returns an errno value (0 = success) or plain
// data instead of throwing, so the TypeScript side (src/native.ts) decides how each failure is
// reported. The typed boundary is ../index.d.ts.
#include <errno.h>
#include <node_api.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "napi_util.h"
#include "paths.h"

// ---- N-API plumbing ------------------------------------------------------------------------------

napi_value throw_bad_args(napi_env env) {
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_type_error(env, NULL, "posix-exec-native: bad arguments");
  return NULL;
}

napi_value make_int(napi_env env, int64_t value) {
  napi_value result;
  napi_create_int64(env, value, &result);
  return result;
}

static napi_value make_int_array(napi_env env, const int64_t *values, size_t count) {
  napi_value array;
  napi_create_array_with_length(env, count, &array);
  for (size_t i = 0; i < count; i++) napi_set_element(env, array, (uint32_t)i, make_int(env, values[i]));
  return array;
}

int get_id(napi_env env, napi_value value, uint32_t *out) {
  int64_t id;
  if (napi_get_value_int64(env, value, &id) != napi_ok || id < 0 || id > INT32_MAX) return 0;
  *out = (uint32_t)id;
  return 1;
}

char *get_string(napi_env env, napi_value value) {
  size_t length;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &length) != napi_ok) return NULL;
  char *text = malloc(length + 1);
  if (text == NULL) return NULL;
  napi_get_value_string_utf8(env, value, text, length + 1, &length);
  if (strlen(text) != length) {  // an embedded NUL would silently cut the string
    free(text);
    return NULL;
  }
  return text;
}

napi_value get_args(napi_env env, napi_callback_info info, size_t expected, napi_value *args) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, args, NULL, NULL) != napi_ok || argc != expected) return NULL;
  return args[0];
}

// ---- identity ------------------------------------------------------------------------------------

static napi_value js_getresuid(napi_env env, napi_callback_info info) {
  (void)info;
  uid_t r, e, s;
  getresuid(&r, &e, &s);
  int64_t ids[3] = {r, e, s};
  return make_int_array(env, ids, 3);
}

static napi_value js_getresgid(napi_env env, napi_callback_info info) {
  (void)info;
  gid_t r, e, s;
  getresgid(&r, &e, &s);
  int64_t ids[3] = {r, e, s};
  return make_int_array(env, ids, 3);
}

// lastCapability() -> the highest capability number this kernel knows (PR_CAPBSET_READ fails past it).
static napi_value js_last_capability(napi_env env, napi_callback_info info) {
  (void)info;
  int cap = 0;
  while (cap < 63 && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) cap++;
  return make_int(env, cap);
}

// isatty(fd) -> boolean. node:tty's isatty would load node:net and node:stream into every start (about
// 4 ms of the planner's start-up) for one ioctl.
static napi_value js_isatty(napi_env env, napi_callback_info info) {
  napi_value args[1], result;
  int32_t fd;
  if (!get_args(env, info, 1, args) || napi_get_value_int32(env, args[0], &fd) != napi_ok) return throw_bad_args(env);
  napi_get_boolean(env, isatty(fd) == 1, &result);
  return result;
}

// ---- module --------------------------------------------------------------------------------------

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"getresuid", NULL, js_getresuid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getresgid", NULL, js_getresgid, NULL, NULL, NULL, napi_enumerable, NULL},
      {"lastCapability", NULL, js_last_capability, NULL, NULL, NULL, napi_enumerable, NULL},
      {"isatty", NULL, js_isatty, NULL, NULL, NULL, napi_enumerable, NULL},
      {"resolvePath", NULL, js_resolve_path, NULL, NULL, NULL, napi_enumerable, NULL},
      {"chownTree", NULL, js_chown_tree, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_set_named_property(env, exports, "SIGRTMIN", make_int(env, SIGRTMIN));
  napi_set_named_property(env, exports, "SIGRTMAX", make_int(env, SIGRTMAX));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
