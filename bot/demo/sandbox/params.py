"""Parameters of one Bot API call, read from a query string, urlencoded, JSON or multipart body."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from bot.demo.sandbox.errors import bad_request, missing_parameter

# Parameters whose values are plain strings even when they look like JSON ("123", "true").
# PTB sends strings unencoded and everything else JSON-encoded, so the rest is decoded as JSON.
_STRING_PARAMETERS = frozenset(
    {
        "action",
        "animation",
        "audio",
        "business_connection_id",
        "callback_query_id",
        "caption",
        "custom_title",
        "data",
        "description",
        "document",
        "file_id",
        "inline_message_id",
        "ip_address",
        "language_code",
        "message_effect_id",
        "name",
        "parse_mode",
        "photo",
        "query",
        "secret_token",
        "short_description",
        "sticker",
        "text",
        "thumbnail",
        "title",
        "url",
        "video",
        "voice",
    }
)

_ATTACH_PREFIX = "attach://"


@dataclass(frozen=True)
class UploadedFile:
    """A file the bot uploaded in a multipart request."""

    field: str
    filename: str
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        """The number of bytes uploaded."""
        return len(self.content)


def decode_form_value(name: str, raw: str) -> Any:
    """Return the value PTB meant by the form field ``name=raw`` (JSON unless a string field)."""
    if name in _STRING_PARAMETERS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class Params:
    """The decoded parameters and uploaded files of one call, with typed accessors.

    Accessors raise the Bot API's own 400 errors, so a method implementation reads like the
    documentation: ``params.required_int("chat_id")``.
    """

    def __init__(
        self, values: Mapping[str, Any], files: Mapping[str, UploadedFile] | None = None
    ) -> None:
        self.values: dict[str, Any] = dict(values)
        self.files: dict[str, UploadedFile] = dict(files or {})

    def __contains__(self, name: str) -> bool:
        return name in self.values or name in self.files

    def optional_str(self, name: str) -> str | None:
        """Return the parameter as text, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        return json.dumps(value) if isinstance(value, dict | list) else str(value)

    def required_str(self, name: str) -> str:
        """Return the parameter as text; a missing parameter is a 400 error."""
        value = self.optional_str(name)
        if value is None:
            raise missing_parameter(name)
        return value

    def optional_int(self, name: str) -> int | None:
        """Return the parameter as an integer, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        if isinstance(value, bool):
            raise bad_request(f"invalid {name} specified")
        if isinstance(value, int):
            return value
        try:
            return int(str(value))
        except ValueError:
            raise bad_request(f"invalid {name} specified") from None

    def required_int(self, name: str) -> int:
        """Return the parameter as an integer; a missing parameter is a 400 error."""
        value = self.optional_int(name)
        if value is None:
            raise missing_parameter(name)
        return value

    def optional_float(self, name: str) -> float | None:
        """Return the parameter as a number, or None when absent."""
        value = self.values.get(name)
        if value is None:
            return None
        try:
            return float(value)
        except (TypeError, ValueError):
            raise bad_request(f"invalid {name} specified") from None

    def flag(self, name: str, *, default: bool = False) -> bool:
        """Return the parameter as a boolean (``true``/``1``), or ``default`` when absent."""
        value = self.values.get(name)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        return str(value).lower() in {"true", "1"}

    def optional_json(self, name: str) -> Any:
        """Return a structured parameter (object or array), decoding it if sent as a string."""
        value = self.values.get(name)
        if isinstance(value, str):
            try:
                return json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {name} JSON object") from None
        return value

    def chat_id(self) -> int | str:
        """Return ``chat_id`` as an integer id or an ``@username``; absence is a 400 error."""
        value = self.values.get("chat_id")
        if value is None or value == "":
            raise missing_parameter("chat_id")
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        text = str(value)
        if text.startswith("@"):
            return text
        try:
            return int(text)
        except ValueError:
            raise bad_request("chat not found") from None

    def input_file(self, name: str) -> UploadedFile | str | None:
        """Return an uploaded file for ``name`` (direct or ``attach://``), else its string value.

        A string value is a file_id or URL the bot passed instead of uploading.
        """
        if name in self.files:
            return self.files[name]
        value = self.optional_str(name)
        if value is not None and value.startswith(_ATTACH_PREFIX):
            attached = self.files.get(value.removeprefix(_ATTACH_PREFIX))
            if attached is None:
                raise bad_request(f"wrong file identifier/HTTP URL specified for {name}")
            return attached
        return value


async def read_params(request: web.Request) -> Params:
    """Read every parameter of ``request``: query string plus form, multipart or JSON body."""
    values: dict[str, Any] = {
        name: decode_form_value(name, raw) for name, raw in request.query.items()
    }
    files: dict[str, UploadedFile] = {}
    if not request.can_read_body:
        return Params(values, files)
    content_type = request.content_type
    if content_type == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("the JSON request body must be an object")
        values.update(body)
    elif content_type == "multipart/form-data":
        await _read_multipart(request, values, files)
    else:
        form = await request.post()
        for name, raw in form.items():
            if isinstance(raw, str):
                values[name] = decode_form_value(name, raw)
    return Params(values, files)


async def _read_multipart(
    request: web.Request, values: dict[str, Any], files: dict[str, UploadedFile]
) -> None:
    reader = await request.multipart()
    while (part := await reader.next()) is not None:
        if not isinstance(part, BodyPartReader) or part.name is None:
            continue
        if part.filename is None:
            values[part.name] = decode_form_value(part.name, await part.text())
            continue
        content = await part.read(decode=False)
        files[part.name] = UploadedFile(
            field=part.name,
            filename=part.filename,
            content_type=part.headers.get("Content-Type", "application/octet-stream"),
            content=bytes(content),
        )
