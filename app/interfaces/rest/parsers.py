"""DRF's JSON parser, minus its one crash: a body nested too deeply for Python's JSON decoder
(100 KB of ``[``) raised RecursionError, which DRF does not catch, so every JSON endpoint
answered 500 without logging in. Here it is a 400 like any other malformed body."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.")
