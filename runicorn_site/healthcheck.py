"""``python -m runicorn_site.healthcheck [URL]``: exit 0 when the viewer answers GET /api/health.

The container's HEALTHCHECK. It calls the process directly, so it names a host the viewer accepts
(the first of ALLOWED_HOSTS; Django answers 400 to any other Host) and says the request came
through HTTPS (behind the proxy the viewer would redirect plain HTTP; /api/health is exempt anyway).
"""

from __future__ import annotations

import os
import sys
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/api/health"


def host_header() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip()
        if host and host != "*":
            return host.lstrip(".")  # ".example.org" allows every subdomain, the bare name included
    return "localhost"


def main(argv: list[str]) -> int:
    url = argv[1] if len(argv) > 1 else DEFAULT_URL
    if not url.startswith(("http://", "https://")):
        print(f"not an http(s) URL: {url}", file=sys.stderr)
        return 2
    request = urllib.request.Request(url, headers={"Host": host_header(), "X-Forwarded-Proto": "https"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - http(s) checked above
            return 0 if response.status == 200 else 1
    except OSError as exc:
        print(f"unhealthy: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
