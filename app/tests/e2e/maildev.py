"""Read the mail a maildev catcher received, through its REST API (`GET /api/email`).

The e2e journey uses it when it targets a running stack (E2E_MAILDEV_URL, e.g. compose's
http://localhost:1080), and `nox -s docker_real` uses it against a real maildev 3 to read the
activation email the containerised worker sent. Standard library only.
"""

import json
import time
import urllib.request


class Maildev:
    def __init__(self, url, timeout=10):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(self, method, path):
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read() or b"null")

    def messages(self):
        """Every message maildev holds, oldest first (maildev's own order)."""
        return self._request("GET", "/api/email")

    def delete_all(self):
        self._request("DELETE", "/api/email/all")

    def wait_for(self, recipient, *, timeout=60, interval=0.5):
        """The newest message to ``recipient``, waiting up to ``timeout`` seconds for one."""
        deadline = time.monotonic() + timeout
        while True:
            received = [
                message
                for message in self.messages()
                if any(to["address"].lower() == recipient.lower() for to in message["to"])
            ]
            if received:
                return received[-1]
            if time.monotonic() > deadline:
                raise TimeoutError(f"no mail to {recipient} at {self.url} in {timeout} s")
            time.sleep(interval)
