// Safe path handling for root's setup steps (paths.c).
#pragma once
#include <node_api.h>

napi_value js_resolve_path(napi_env env, napi_callback_info info);
napi_value js_chown_tree(napi_env env, napi_callback_info info);
