{
  "targets": [
    {
      "target_name": "posix_exec",
      "sources": ["src/posix_exec.c", "src/paths.c", "src/chown_tree.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Werror=implicit-function-declaration", "-O2"],
      "defines": ["NAPI_VERSION=8", "_GNU_SOURCE"]
    }
  ]
}
