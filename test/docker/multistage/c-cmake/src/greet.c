#include <stdio.h>
#include "greet.h"

int greet(char *buf, unsigned long n, const char *who) {
  return snprintf(buf, n, "hello from %s, built with CMake and libgreet %d.%d", who, 1, 2);
}
