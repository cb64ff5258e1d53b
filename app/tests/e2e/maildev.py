"""Read the mail a maildev catcher received, through its REST API (`GET /api/email`).

The e2e journey uses it when it targets a running stack (E2E_MAILDEV_URL, e.g. compose's
http://localhost:1080), and `nox -s docker_real` uses it against a real maildev 3 to read the
activation email the containerised worker sent. Standard library only.
"""

import json
import time
import urllib.request
from typing import Any


class Maildev:
    def __init__(self, url: str, timeout: float = 10) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(self, method: str, path: str) -> Any:
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.loads(response.read() or b"null")

    def messages(self) -> list[dict[str, Any]]:
        """Every message maildev holds, oldest first (maildev's own order)."""
        messages: list[dict[str, Any]] = self._request("GET", "/api/email")
        return messages

    def delete_all(self) -> None:
        self._request("DELETE", "/api/email/all")

    def wait_for(
        self, recipient: str, *, timeout: float = 60, interval: float = 0.5
    ) -> dict[str, Any]:
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
