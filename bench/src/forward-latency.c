// forward-latency N INIT... : starts INIT... (which must run sigecho), then N times sends SIGTERM to the
// init and times how long the service takes to report it. Prints "median_us p99_us mean_us".
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int compare(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) return 2;
  int n = atoi(argv[1]);
  int out[2];
  if (pipe(out) != 0) return 1;
  pid_t init = fork();
  if (init == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  close(out[1]);
  char byte;
  if (read(out[0], &byte, 1) != 1 || byte != 'r') return 1;
  usleep(300000);  // let the init settle into its idle loop
  double *lat = calloc(n, sizeof *lat), sum = 0;
  for (int i = 0; i < n; i++) {
    double start = now_us();
    kill(init, SIGTERM);
    if (read(out[0], &byte, 1) != 1) return 1;
    lat[i] = now_us() - start;
    sum += lat[i];
    usleep(2000);
  }
  kill(init, SIGUSR2);
  waitpid(init, NULL, 0);
  qsort(lat, n, sizeof *lat, compare);
  printf("%.1f %.1f %.1f\n", lat[n / 2], lat[(int)(n * 0.99)], sum / n);
  return 0;
}
