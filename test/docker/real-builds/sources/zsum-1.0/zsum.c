/* zsum: SHA-256 of a gzip file's content (zlib to inflate, OpenSSL's libcrypto to hash). */
#include <stdio.h>
#include <string.h>
#include <zlib.h>
#include <openssl/evp.h>

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--version")) {
    printf("zsum 1.0 (zlib %s)\n", zlibVersion());
    return 0;
  }
  if (argc < 2) {
    fprintf(stderr, "usage: zsum FILE.gz\n");
    return 2;
  }
  gzFile f = gzopen(argv[1], "rb");
  if (!f) {
    perror(argv[1]);
    return 1;
  }
  EVP_MD_CTX *m = EVP_MD_CTX_new();
  EVP_DigestInit_ex(m, EVP_sha256(), NULL);
  unsigned char buf[65536];
  int n;
  long total = 0;
  while ((n = gzread(f, buf, sizeof buf)) > 0) {
    EVP_DigestUpdate(m, buf, (size_t)n);
    total += n;
  }
  gzclose(f);
  unsigned char d[EVP_MAX_MD_SIZE];
  unsigned int l = 0;
  EVP_DigestFinal_ex(m, d, &l);
  for (unsigned i = 0; i < l; i++) printf("%02x", d[i]);
  printf("  %ld bytes\n", total);
  return 0;
}
