/* tinyget: fetches a URL with libcurl and prints how many bytes came back. */
#include <stdio.h>
#include <string.h>
#include <curl/curl.h>

static size_t sink(void *p, size_t s, size_t n, void *u) {
  (void)p;
  *(size_t *)u += s * n;
  return s * n;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--version")) {
    printf("tinyget 1.0 (%s)\n", curl_version());
    return 0;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: tinyget URL\n");
    return 2;
  }
  CURL *c = curl_easy_init();
  size_t got = 0;
  curl_easy_setopt(c, CURLOPT_URL, argv[1]);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &got);
  curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
  CURLcode r = curl_easy_perform(c);
  if (r != CURLE_OK) {
    fprintf(stderr, "tinyget: %s\n", curl_easy_strerror(r));
    return 1;
  }
  printf("fetched %zu bytes\n", got);
  return 0;
}
