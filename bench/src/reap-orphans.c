// reap-orphans N: run as the service under an init that is PID 1. Makes N zombies at once (a helper
// forks N children that exit, then exits itself, so the init inherits them all) and times until /proc
// shows no process but the init and this one. Prints "ms zombies_left".
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int count_processes(void) {
  DIR *proc = opendir("/proc");
  int count = 0;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) count += entry->d_name[0] >= '0' && entry->d_name[0] <= '9';
  closedir(proc);
  return count;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  pid_t helper = fork();
  if (helper == 0) {
    for (int i = 0; i < n; i++) {
      pid_t child = fork();
      if (child == 0) _exit(0);
      if (child < 0) _exit(1);
    }
    // Wait until every child is a zombie, then leave them all to the init at once.
    while (count_processes() < n + 3) usleep(1000);
    _exit(0);
  }
  waitpid(helper, NULL, 0);
  double start = now_ms();
  int left = count_processes() - 2;
  while (left > 0 && now_ms() - start < 60000) {
    usleep(1000);
    left = count_processes() - 2;
  }
  printf("%.1f %d\n", now_ms() - start, left);
  return 0;
}
