#!/usr/bin/env python3
"""The image's HEALTHCHECK: exit 0 when /healthz on this container's PORT answers 200.

Standard library only, so it works in any image built from the Dockerfile (no curl needed).
"""

import os
import sys
import urllib.request


def main():
    url = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    except OSError as error:
        print(f"{url}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
