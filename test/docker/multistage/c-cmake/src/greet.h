#ifndef GREET_H
#define GREET_H
/* Writes the greeting for `who` into buf (at most n bytes); returns its length. */
int greet(char *buf, unsigned long n, const char *who);
#endif
