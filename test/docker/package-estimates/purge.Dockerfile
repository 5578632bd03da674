FROM local/debian:bookworm
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl gcc libc6-dev libz-dev \
    && printf '#include <zlib.h>\n#include <stdio.h>\nint main(void){puts(zlibVersion());return 0;}\n' > /tmp/z.c \
    && gcc -O2 -o /usr/local/bin/zver /tmp/z.c -lz && rm /tmp/z.c \
    && apt-get purge -y --auto-remove gcc libc6-dev libz-dev && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y python3 make \
    && apt-get remove -y make && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*
RUN apt-get update && apt-get install -y --no-install-recommends build-essential \
    && apt-get purge -y --auto-remove build-essential && rm -rf /var/lib/apt/lists/*
CMD ["zver"]
