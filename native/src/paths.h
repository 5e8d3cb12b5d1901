// Root's setup steps on paths others may control: reaching a path (paths.c), giving a tree away
// (chown_tree.c).
#pragma once
#include <node_api.h>

napi_value js_resolve_path(napi_env env, napi_callback_info info);
napi_value js_chown_tree(napi_env env, napi_callback_info info);
