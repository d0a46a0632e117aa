"""Read an export in a process of its own while the audit's parent decides and counts.

With worker processes classifying, the audit waits on its parent: it reads the file, decides
each message in context and counts it, in file order. Reading (the bounded stream, ijson's
parser and the messages it builds) was a sixth of that. ``read_ahead`` forks a reader that
iterates the stream and sends its messages on in chunks, as tuples of their fields (what
pickle reads back fastest), so the parent only rebuilds them. Order, skipped entries and the
export's errors come back as the stream gives them: an ``ExportError`` is raised in the parent
after every message read before it, as iterating the stream itself would.
"""

from __future__ import annotations

import contextlib
import dataclasses
import multiprocessing
from collections import Counter
from collections.abc import Generator, Iterator
from itertools import islice
from multiprocessing.connection import Connection
from operator import attrgetter
from typing import Any

from bot.sources.telegram_export import (
    ExportedMessage,
    ExportError,
    MessageStream,
    exported_message,
)

CHUNK = 512
"""Messages sent at a time (about 60 kB pickled); the reader waits while the pipe is full."""
PIPE_BYTES = 1 << 20
"""What the pipe holds (Linux's most for a process without privileges): some 16 chunks."""
_FIELDS = attrgetter(*(field.name for field in dataclasses.fields(ExportedMessage)))

_END = "end"
_FAILED = "export-error"
_CRASHED = "crashed"


class ReaderError(RuntimeError):
    """The reader process stopped without saying why (killed, or out of memory)."""


def _read(stream: MessageStream, out: Connection) -> None:
    """The reader process: every message of ``stream`` into ``out``, then how it ended."""
    try:
        while chunk := list(islice(stream, CHUNK)):
            out.send([_FIELDS(message) for message in chunk])
        ending: tuple[Any, ...] = (_END,)
    except ExportError as error:
        ending = (_FAILED, str(error))
    except BaseException as error:
        ending = (_CRASHED, f"{type(error).__name__}: {error}")
    with contextlib.suppress(OSError):
        out.send((*ending, stream.read, dict(stream.problems)))
    out.close()


def usable() -> bool:
    """Whether a reader process can be forked here."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def read_ahead(
    stream: MessageStream,
) -> Iterator[Generator[list[ExportedMessage], None, None]]:
    """The messages of ``stream`` a chunk at a time, read in a forked process.

    ``stream`` must not have been iterated here; once the chunks are all taken, its ``read``
    and ``problems`` are the reader's (so ``skipped`` and ``summary()`` hold). The process is
    stopped on the way out, whether or not everything was read.
    """
    receiving, sending = multiprocessing.get_context("fork").Pipe(duplex=False)
    _widen(sending)
    reader = multiprocessing.get_context("fork").Process(
        target=_read, args=(stream, sending), name="fingertip-export-reader", daemon=True
    )
    reader.start()
    sending.close()
    try:
        yield _received(receiving, stream)
    finally:
        receiving.close()
        if reader.is_alive():
            reader.terminate()
        reader.join()


def _widen(pipe: Connection) -> None:
    """Let the pipe hold some chunks (64 kB, Linux's default, holds one): on two shared CPUs
    the reader is not always given one when the parent asks for the next chunk, and what it
    read ahead meanwhile is then ready."""
    # not on Linux (no fcntl, or no F_SETPIPE_SZ), or above pipe-max-size: the default then
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(pipe.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _received(
    receiving: Connection, stream: MessageStream
) -> Generator[list[ExportedMessage], None, None]:
    message = exported_message
    while True:
        try:
            item = receiving.recv()
        except EOFError:
            raise ReaderError("the export reader stopped without finishing") from None
        if isinstance(item, list):
            yield [message(*fields) for fields in item]
            continue
        kind, *detail, read, problems = item
        stream.read, stream.problems = read, Counter(problems)
        if kind == _FAILED:
            raise ExportError(detail[0])
        if kind == _CRASHED:
            raise ReaderError(f"the export reader failed: {detail[0]}")
        return
