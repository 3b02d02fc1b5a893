"""The one writer of despin's context-model files (dictionaries/lm/*.tsv).

Both model builders (build_lm.py, build_trigram.py) write the format that
crates/despin-core/build.rs compiles: `#` comment lines, `#! NAME VALUE` constants, then
`KEY<TAB>COST[<TAB>BACKOFF]` rows sorted by the bytes of KEY. Sorting here, and writing through
a temporary file renamed into place, keeps a rebuild byte-identical and never leaves half a
model behind.
"""
import os


def write_model(out, comments, constants, rows):
    """Write `rows` (KEY -> tuple of ints; a trailing 0 back-off is left out) to `out`."""
    os.makedirs(os.path.dirname(out) or ".", exist_ok=True)
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
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
