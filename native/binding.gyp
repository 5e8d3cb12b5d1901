{
  "targets": [
    {
      "target_name": "posix_exec",
      "sources": ["src/posix_exec.c", "src/paths.c", "src/chown_tree.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-O2"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    },
    {
      "target_name": "node-init",
      "type": "executable",
      "sources": ["src/pid1/main.c", "src/pid1/planner.c", "src/pid1/plan.c", "src/pid1/drop.c", "src/pid1/log.c", "src/pid1/service.c", "src/pid1/signals.c", "src/pid1/supervise.c", "src/pid1/trust.c", "src/pid1/process.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-O2"],
      "defines": ["_GNU_SOURCE", "NODE_INIT_BUILD_NODE=\"<!(node -p process.execPath)\""]
    }
  ]
}
