// Whether only root could have put a file where it is: what node-init runs or loads as root (the node
// binary, its own bundle and addon) must be out of every other user's reach, or the service could plant
// code that root runs at the next start.
#pragma once
#include <stddef.h>

// True when `path`, after symlinks (its real path is copied to `real`), is a file owned by root that
// group and others cannot write, below directories owned by root that group and others cannot write
// (a sticky one, where nobody else can rename root's entries, is fine). Otherwise `why` says which.
int only_root_can_write(const char *path, char *real, size_t real_size, char *why, size_t why_size);
