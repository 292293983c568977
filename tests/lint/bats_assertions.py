#!/usr/bin/env python3
"""Flags bats assertions that cannot fail.

bats runs a test under `set -e`, which ignores every command of an && list but the last:
in `[ "$status" -eq 0 ] && [ "$output" = x ]` a wrong status passes, and so does a failing
`cmd` in `cmd && [ ... ]`. An assertion masked with `|| true` cannot fail either. Each
assertion goes on its own line. Conditions that guard a control-flow word
(`[ ... ] && break`) or a command (`[ -d x ] && rm x`) are not assertions and stay.

usage: bats_assertions.py [--fix] FILE...   (exit 1 when something is flagged)
--fix splits the flagged && lists into one line each (lines it cannot split are reported).
"""
import re
import sys


def split_top_level(line, sep):
    """LINE cut at each SEP outside quotes, $( ), ${ }, ( ) and [[ ]]; None if unbalanced."""
    parts, depth, i, start, quote = [], 0, 0, 0, None
    while i < len(line):
        c = line[i]
        if quote == "'":
            if c == "'":
                quote = None
        elif c == "\\":
            i += 1
        elif quote == '"' and c == '"':
            quote = None
        elif quote is None and c in "'\"":
            quote = c
        elif c == "#" and quote is None and depth == 0 and (i == 0 or line[i - 1] in " \t"):
            break
        elif line.startswith("[[", i) and (i == 0 or line[i - 1] in " \t(!"):
            depth += 1
            i += 1
        elif line.startswith("]]", i) and depth > 0:
            depth -= 1
            i += 1
        elif c in "({" and (quote is None or line[i - 1] == "$"):
            depth += 1
        elif c in ")}" and depth > 0:
            depth -= 1
        elif quote is None and depth == 0 and line.startswith(sep, i):
            parts.append(line[start:i].strip())
            i += len(sep)
            start = i
            continue
        i += 1
    if quote is not None or depth != 0:
        return None
    parts.append(line[start:i].strip())
    return parts


def is_test(cmd):
    return re.match(r"^!?\s*(\[\[?\s|test\s)", cmd) is not None


def check_line(line):
    """'split' for an && list ending in an assertion, 'mask' for an assertion || true."""
    parts = split_top_level(line, "&&")
    if parts is None or len(parts) < 2:
        parts = None
    ors = split_top_level(line, "||")
    if ors is not None and len(ors) > 1:
        if ors[-1] in ("true", ":") and is_test(ors[-2].split("&&")[-1].strip()):
            return "mask"
        return None  # `A && B || { echo; false; }` fails on its own
    if parts is None or ";" in "".join(split_top_level(line, ";")[1:] or []):
        return None
    if len(split_top_level(line, ";")) > 1:
        return None
    return "split" if is_test(parts[-1]) else None


def open_quote_after(line, quote):
    """The quote still open at the end of LINE when QUOTE was open at its start."""
    i = 0
    while i < len(line):
        c = line[i]
        if quote == "'":
            quote = None if c == "'" else quote
        elif c == "\\":
            i += 1
        elif quote == '"':
            quote = None if c == '"' else quote
        elif c in "'\"":
            quote = c
        elif c == "#" and (i == 0 or line[i - 1] in " \t"):
            break
        i += 1
    return quote


def main(argv):
    fix = argv[1:2] == ["--fix"]
    files = argv[2:] if fix else argv[1:]
    flagged = 0
    for path in files:
        with open(path) as f:
            lines = f.read().split("\n")
        out, continued, quote, heredoc = [], False, None, None
        for n, line in enumerate(lines, 1):
            stripped = line.strip()
            # Inside a here-document or a multi-line string: text, not the test's statements.
            if heredoc is not None:
                heredoc = None if stripped == heredoc else heredoc
                out.append(line)
                continue
            inside, quote = quote is not None, open_quote_after(line, quote)
            if inside or quote is not None:
                out.append(line)
                continue
            m = re.search(r"<<-?\s*['\"]?(\w+)", stripped)
            if m:
                heredoc = m.group(1)
            statement_start = not continued
            continued = stripped.endswith(("\\", "&&", "||", "|"))
            kind = check_line(stripped) if statement_start and not continued else None
            if kind is None:
                out.append(line)
                continue
            if fix and kind == "split":
                indent = line[: len(line) - len(line.lstrip())]
                out.extend(indent + p for p in split_top_level(stripped, "&&"))
                continue
            flagged += 1
            why = ("an && list checks only its last command under set -e: one assertion a line"
                   if kind == "split" else "an assertion masked with || true cannot fail")
            print(f"{path}:{n}: {why}\n    {stripped}")
            out.append(line)
        if fix:
            with open(path, "w") as f:
                f.write("\n".join(out))
    return 1 if flagged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
