#!/usr/bin/env python3
"""Turns a readable session script into the exact keystroke bytes to type.

Format (one keystroke line per text line):
  - a line starting with '#' is a comment for reviewers and is not typed;
  - every other line is typed and followed by Enter (CR, what a terminal sends),
    unless it ends with the two characters \\c (then no Enter is added);
  - \\xHH is the byte HH (control keys: \\x03 Ctrl-C, \\x15 Ctrl-U, \\x7f Backspace,
    \\x1b[A up arrow); \\\\ is one backslash. Any other backslash is an error.

usage: session_bytes.py SESSION.txt OUTPUT.bin
"""
import re
import sys

ESCAPE = re.compile(rb"\\(x[0-9a-fA-F]{2}|\\|c$)")


def line_bytes(line: bytes, lineno: int) -> bytes:
    out = bytearray()
    pos = 0
    enter = True
    for m in ESCAPE.finditer(line):
        out += line[pos:m.start()]
        token = m.group(1)
        if token == b"\\":
            out += b"\\"
        elif token == b"c":
            enter = False
        else:
            out.append(int(token[1:], 16))
        pos = m.end()
    rest = line[pos:]
    if b"\\" in rest:
        raise SystemExit(f"line {lineno}: unknown escape in {line!r}")
    out += rest
    if enter:
        out += b"\r"
    return bytes(out)


def main() -> None:
    source, target = sys.argv[1], sys.argv[2]
    with open(source, "rb") as f:
        text = f.read()
    lines = text.split(b"\n")
    if text.endswith(b"\n"):
        lines.pop()  # the empty string after the final newline
    data = b"".join(
        line_bytes(line, n) for n, line in enumerate(lines, 1) if not line.startswith(b"#")
    )
    with open(target, "wb") as f:
        f.write(data)


if __name__ == "__main__":
    main()
