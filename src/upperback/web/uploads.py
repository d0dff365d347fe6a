"""Receive an upload (a video, a training-log file): stream it to disk under a server-chosen name,
within a size limit.

The request body is parsed as it arrives (python-multipart's streaming parser), so a file over
the limit is cut off at the limit instead of being buffered whole; the CSRF token must arrive
before the file, so nothing is written for a forged request.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from upperback.errors import UpperbackError
from upperback.web.security import CSRF_FIELD, CsrfError

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

TokenCheck = Callable[[str | None], None]
"""Checks a CSRF token (``None`` when none came) and raises :class:`CsrfError` to refuse it."""

MAX_FIELD_BYTES = 4096
MAX_FILE_NAME_CHARS = 255
"""What file systems allow for one file name; phones and cameras name their files far shorter."""
MAX_HEADER_BYTES = 16 * 1024
"""A part's header line (e.g. the one carrying the file name); the parser's own limit is set
above the body size, so that this one, with its clear message, always applies first."""
MAX_FORM_OVERHEAD = 64 * 1024
"""Bytes allowed for the form's other fields and multipart framing, on top of the file."""


class UploadTooLarge(UpperbackError):
    """The upload is bigger than the server accepts."""


@dataclass(frozen=True)
class UploadKind:
    """What is being uploaded, for the messages a user sees when it goes wrong."""

    noun: str
    """What the user chose, as in "the video is larger than ..."."""
    too_large_advice: str
    missing: str
    wrong_form: str


VIDEO = UploadKind(
    noun="video",
    too_large_advice="Trim it to the set you want checked (most phones can trim in the gallery app) or "
    "record at 720p or 1080p.",
    missing="No video was attached. Choose the file of your set, then press Analyse.",
    wrong_form="Send the video with the upload form on the Analyse page.",
)


@dataclass
class ReceivedUpload:
    """The saved file (named by the server) and the form's text fields."""

    path: Path
    size: int
    original_name: str
    fields: dict[str, str] = field(default_factory=dict)


def display_name(raw: str) -> str:
    """The uploaded file's name for display only: last path part, printable, at most 120 chars."""
    name = raw.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return (name or "video")[:120]


class _Receiver:
    """Callbacks for :class:`MultipartParser` that keep text fields and write the file part."""

    def __init__(
        self, folder: Path, file_field: str, max_bytes: int, check_token: TokenCheck, kind: UploadKind
    ) -> None:
        self.folder, self.file_field, self.max_bytes, self.kind = folder, file_field, max_bytes, kind
        self.check_token = check_token
        self.fields: dict[str, str] = {}
        self.path: Path | None = None
        self.size = 0
        self.original_name = ""
        self._handle: BinaryIO | None = None
        self._header_field = bytearray()
        self._header_value = bytearray()
        self._headers: dict[str, bytes] = {}
        self._name: str | None = None
        self._value = bytearray()
        self._is_file = False

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self.part_begin,
            "on_header_field": self.header_field,
            "on_header_value": self.header_value,
            "on_header_end": self.header_end,
            "on_headers_finished": self.headers_finished,
            "on_part_data": self.part_data,
            "on_part_end": self.part_end,
        }

    def part_begin(self) -> None:
        self._headers, self._name, self._value, self._is_file = {}, None, bytearray(), False

    def header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_field += data[start:end]

    def header_value(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]
        if len(self._header_value) > MAX_HEADER_BYTES:
            self.check_token(self.fields.get(CSRF_FIELD))
            if self._header_field.lower() == b"content-disposition":
                raise UpperbackError(_name_too_long(None))
            raise UpperbackError("A form header is too long; reload the page and try again.")

    def header_end(self) -> None:
        self._headers[self._header_field.decode("latin-1").lower()] = bytes(self._header_value)
        self._header_field, self._header_value = bytearray(), bytearray()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self._headers.get("content-disposition", b""))
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        filename = options.get(b"filename")
        self._is_file = filename is not None
        if filename is None:
            return
        if self._name != self.file_field or self.path is not None:
            raise UpperbackError("The form sent an unexpected file; reload the page and try again.")
        self.check_token(self.fields.get(CSRF_FIELD))  # before a single byte is written
        name = filename.decode("utf-8", "replace").replace("\\", "/").rsplit("/", 1)[-1]
        if len(name) > MAX_FILE_NAME_CHARS:
            raise UpperbackError(_name_too_long(len(name)))
        self.original_name = display_name(name)
        self.path = self.folder / uuid.uuid4().hex
        self._handle = self.path.open("xb")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_file:
            self.size += len(chunk)
            if self.size > self.max_bytes:
                raise UploadTooLarge(_too_large(self.max_bytes, self.kind))
            assert self._handle is not None  # opened by headers_finished for every file part
            self._handle.write(chunk)
        else:
            self._value += chunk
            if len(self._value) > MAX_FIELD_BYTES:
                raise UpperbackError("A form field is too long; reload the page and try again.")

    def part_end(self) -> None:
        if self._is_file:
            assert self._handle is not None  # opened by headers_finished for every file part
            self._handle.close()
            self._handle = None
        elif self._name:
            self.fields[self._name] = self._value.decode("utf-8", "replace")

    def discard(self) -> None:
        if self._handle is not None:
            self._handle.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)


def _name_too_long(length: int | None) -> str:
    count = f"{length:,} characters; " if length is not None else ""
    return (
        f"The file's name is too long ({count}at most {MAX_FILE_NAME_CHARS} characters are accepted). "
        "Rename the file to something shorter, then choose it again."
    )


def _too_large(max_bytes: int, kind: UploadKind) -> str:
    return (
        f"The {kind.noun} is larger than {max_bytes / 1024**2:.0f} MB, the most this server accepts. "
        + kind.too_large_advice
    )


async def receive_video(request: Request, folder: Path, max_bytes: int, check_token: TokenCheck) -> ReceivedUpload:
    """An uploaded video (the form's ``video`` field); see :func:`receive_upload`."""
    return await receive_upload(request, folder, max_bytes, check_token, "video", VIDEO)


async def receive_upload(
    request: Request, folder: Path, max_bytes: int, check_token: TokenCheck, file_field: str, kind: UploadKind
) -> ReceivedUpload:
    """Parse a ``multipart/form-data`` POST, saving the file ``file_field`` into ``folder``.

    ``check_token(token)`` is called with the CSRF field before the file is written and must
    raise :class:`~upperback.web.security.CsrfError` to refuse. Anything that goes wrong removes
    the partial file.
    """
    content_type, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        check_token(None)  # a forged request is refused as such, whatever its shape
        raise UpperbackError(kind.wrong_form)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_bytes + MAX_FORM_OVERHEAD:
        raise UploadTooLarge(_too_large(max_bytes, kind))
    receiver = _Receiver(folder, file_field, max_bytes, check_token, kind)
    parser = MultipartParser(
        boundary,
        receiver.callbacks(),
        max_size=max_bytes + MAX_FORM_OVERHEAD,
        max_header_size=max_bytes + MAX_FORM_OVERHEAD,
    )
    try:
        received = 0
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes + MAX_FORM_OVERHEAD:
                raise UploadTooLarge(_too_large(max_bytes, kind))
            parser.write(chunk)
        parser.finalize()
    except (UpperbackError, CsrfError):
        receiver.discard()
        raise
    except (MultipartParseError, OSError):
        receiver.discard()
        raise UpperbackError("The upload was cut off or garbled; try again.") from None
    except BaseException:
        receiver.discard()
        raise
    if receiver.path is None:
        check_token(receiver.fields.get(CSRF_FIELD))
    if receiver.path is None or receiver.size == 0:
        receiver.discard()
        raise UpperbackError(kind.missing)
    return ReceivedUpload(
        path=receiver.path, size=receiver.size, original_name=receiver.original_name, fields=receiver.fields
    )
