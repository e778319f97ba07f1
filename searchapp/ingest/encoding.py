"""Turn a file's bytes into text: guess the encoding, refuse binary data, normalise line ends."""

from __future__ import annotations

import codecs
import unicodedata

import charset_normalizer

#: Encodings tried in order before asking charset-normalizer. GB18030 (a superset of GBK
#: that also covers characters such as 𠮷) comes before Big5 because mainland pages dominate.
#: Many Big5 byte strings are also valid GB18030; a decoding that yields private-use
#: characters (a sure sign of the wrong table) is rejected so the next encoding is tried.
ENCODINGS = ("utf-8", "gb18030", "big5")

#: Share of C0 control characters (other than tab, LF, CR, FF) above which text is binary.
MAX_CONTROL_RATIO = 0.01


def decode(data: bytes) -> str:
    """Decode a text file's bytes.

    A UTF-8 BOM is stripped; then UTF-8, GB18030 and Big5 are tried strictly (a result with
    private-use characters counts as a failure), then charset-normalizer's best guess.
    CRLF and lone CR become LF.

    >>> decode(b"\\xef\\xbb\\xbf---\\r\\ntitle: x\\r\\n")
    '---\\ntitle: x\\n'

    :param data: the raw file content.
    :return: the text, with ``\\n`` line ends.
    :raises ValueError: "binary or undecodable …" for data with NUL bytes, data no encoding
        decodes, or decoded text full of control characters.
    """
    if b"\x00" in data:
        raise ValueError("binary or undecodable content (NUL bytes)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    text = _decode_strict(data)
    if text is None:
        raise ValueError("binary or undecodable content (no encoding fits)")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > MAX_CONTROL_RATIO * len(text):
        raise ValueError("binary or undecodable content (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _cut_in_last_character(error: UnicodeDecodeError, data: bytes) -> bool:
    """Whether UTF-8 decoding failed only because the data ends inside a character."""
    return error.encoding == "utf-8" and error.reason == "unexpected end of data" and (
        len(data) - error.start < 4
    )


def _decode_strict(data: bytes) -> str | None:
    """Return ``data`` decoded by the first encoding that fits, or ``None``."""
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as error:
            if not _cut_in_last_character(error, data):
                continue
            text = data[: error.start].decode(encoding)  # a file cut mid-character: drop it
        if not any(unicodedata.category(ch) == "Co" for ch in text):
            return text
    best = charset_normalizer.from_bytes(data).best()
    return None if best is None else str(best)
