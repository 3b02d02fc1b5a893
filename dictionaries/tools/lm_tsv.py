"""The one reader and writer of despin's context-model files (dictionaries/lm/*.tsv.xz).

Both model builders (build_lm.py, build_trigram.py) write the format that
crates/despin-core/build.rs compiles: `#` comment lines, `#! NAME VALUE` constants, then
`KEY<TAB>COST[<TAB>BACKOFF]` rows sorted by the bytes of KEY, xz-compressed when the file name
ends in `.xz` (the models are kept compressed to fit the repository budget: about a fifth of
the text). Sorting here, compressing in one thread with fixed settings (preset 9e, CRC64),
and writing through a temporary file renamed into place keep a rebuild byte-identical (with
the same liblzma) and never leave half a model behind.
"""
import lzma
import os


def open_model(path, mode="rt", compressed=None):
    """Open a model file for text reading (`rt`) or writing (`wt`); compressed when its name
    ends in `.xz` unless `compressed` says otherwise."""
    if compressed is None:
        compressed = path.endswith(".xz")
    if compressed:
        if "w" in mode:
            return lzma.open(path, mode, encoding="utf-8", newline="\n",
                             preset=9 | lzma.PRESET_EXTREME, check=lzma.CHECK_CRC64)
        return lzma.open(path, mode, encoding="utf-8")
    if "w" in mode:
        return open(path, mode, encoding="utf-8", newline="\n")
    return open(path, mode, encoding="utf-8")


def write_model(out, comments, constants, rows):
    """Write `rows` (KEY -> tuple of ints; a trailing 0 back-off is left out) to `out`."""
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    tmp = out + ".tmp"
    with open_model(tmp, "wt", compressed=out.endswith(".xz")) as f:
        for line in comments:
            f.write(f"# {line}\n")
        for name, value in constants:
            f.write(f"#! {name} {value}\n")
        for k in sorted(rows, key=lambda s: s.encode("utf-8")):
            fields = list(rows[k])
            while len(fields) > 1 and not fields[-1]:
                fields.pop()
            f.write("\t".join([k] + [str(x) for x in fields]) + "\n")
    os.replace(tmp, out)
