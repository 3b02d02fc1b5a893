#!/usr/bin/env python3
"""Repair a JSON Lines corpus on Spark by piping it through `despin filter`.

Each partition of the input is streamed through one `despin filter` process (`RDD.pipe`):
one JSON object per line in, exactly one line out per line in, in order, with the text field
repaired and a `despin` object (findings, spin score, repairs) added. Lines despin cannot
process come back as `{"despin_error": ...}` records, so no record is ever dropped.

Local mode (what the integration test runs):

    python3 despin_pipe.py --master 'local[2]' --despin target/release/despin \
        corpus.jsonl out/

On a cluster, ship the binary and a compiled dictionary with the job; executors find the
shipped files in their working directory (see README.md in this directory):

    spark-submit --master yarn --files target/release/despin,news.fst despin_pipe.py \
        --despin ./despin --dict ./news.fst hdfs:///corpus/*.jsonl hdfs:///repaired/
"""

import argparse
import os
import shlex
import sys


def build_command(args):
    cmd = [args.despin, "filter", "--field", args.field, "--threads", str(args.threads)]
    if args.min_confidence is not None:
        cmd += ["--min-confidence", str(args.min_confidence)]
    if args.no_default_dict:
        cmd.append("--no-default-dict")
    for d in args.dict:
        cmd += ["--dict", d]
    # RDD.pipe splits its command with shlex, so quote each part.
    return " ".join(shlex.quote(c) for c in cmd)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input", help="JSON Lines file(s), any path or glob Spark reads")
    ap.add_argument("output", help="output directory (must not exist)")
    ap.add_argument("--master", help="Spark master (default: spark-submit's, else local[*])")
    ap.add_argument("--despin", default="despin", help="path of the despin binary on executors")
    ap.add_argument("--dict", action="append", default=[], help="dictionary for despin (repeatable)")
    ap.add_argument("--no-default-dict", action="store_true")
    ap.add_argument("--field", default="text", help="JSON field holding the text")
    ap.add_argument("--min-confidence", type=float)
    ap.add_argument("--partitions", type=int, help="minimum number of input partitions")
    ap.add_argument(
        "--threads", type=int, default=1,
        help="despin threads per partition (Spark already runs one task per core)",
    )
    args = ap.parse_args(argv)

    # Workers must run the same Python as the driver.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("despin-pipe")
    if args.master:
        conf.setMaster(args.master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ:
        # Started with plain python3, not spark-submit (which sets the master).
        conf.setMaster("local[*]")
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    try:
        lines = sc.textFile(args.input, minPartitions=args.partitions)
        repaired = lines.pipe(build_command(args), checkCode=True)
        repaired.saveAsTextFile(args.output)
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
