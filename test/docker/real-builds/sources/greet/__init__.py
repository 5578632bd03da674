"""greet: prints a greeting, or fetches a URL over HTTPS with the standard library (the system CA store)."""
import sys
import urllib.request


def main() -> int:
    if len(sys.argv) > 1:
        with urllib.request.urlopen(sys.argv[1], timeout=30) as r:
            print(f"greet fetched {len(r.read())} bytes")
        return 0
    print("Hello from greet 1.0")
    return 0
