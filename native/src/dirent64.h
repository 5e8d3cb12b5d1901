// The record getdents64(2) fills: read with the raw syscall because readdir() may allocate, which is
// unsafe in a child forked from a multithreaded process and slower in the chown walk.
#pragma once
#include <stdint.h>

struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  unsigned short d_reclen;
  unsigned char d_type;
  char d_name[];
};
