"""Runs newsgraph over an archive on Spark: N shards through RDD.pipe, then one merge.

    spark-submit newsgraph_spark.py --newsgraph /opt/newsgraph/bin/newsgraph \
        --archive /mnt/archive --results /mnt/results --shards 64

Every executor needs the same paths: the newsgraph install (scripts/install.sh, or the
container image), this folder's shard.sh, the archive, and a results folder they all
write to (a shared file system). Exits non-zero, naming the shard, when any shard fails
or loses documents; then nothing is merged.
"""

import argparse
import os
import shlex
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--newsgraph", required=True, help="absolute path of the newsgraph binary")
    ap.add_argument("--archive", required=True, help="input folder or archive (absolute)")
    ap.add_argument("--results", required=True, help="shared results folder (absolute)")
    ap.add_argument("--shards", type=int, required=True, help="number of shards N")
    ap.add_argument("--master", help="Spark master, such as local[2] (default: spark-submit's)")
    ap.add_argument("--shard-script", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "shard.sh"))
    args = ap.parse_args()
    for path in (args.newsgraph, args.archive, args.results, args.shard_script):
        if not os.path.isabs(path):
            ap.error(f"{path}: give absolute paths (executors do not share our directory)")

    # Python workers must be this Python (same pyspark); set before the context starts.
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark import SparkConf, SparkContext

    conf = SparkConf().setAppName("newsgraph")
    if args.master:
        conf.setMaster(args.master)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("WARN")
    n = args.shards
    command = " ".join(shlex.quote(x) for x in (
        args.shard_script, args.newsgraph, args.archive, args.results, str(n)))
    shards = sc.parallelize([str(k) for k in range(1, n + 1)], numSlices=n)
    try:
        # pipe() runs the command with exactly `env` (empty unless given) and ignores its
        # exit status unless checkCode=True: absolute paths above, and checkCode here.
        dirs = shards.pipe(command, env={"LC_ALL": "C.UTF-8"}, checkCode=True).collect()
    except Exception as e:  # a failed shard surfaces as the task's error
        lines = [l for l in str(e).splitlines() if "exited with error code" in l or "shard.sh:" in l]
        print("newsgraph_spark: a shard failed, nothing merged: "
              + ("; ".join(lines[:3]) or str(e).splitlines()[0]), file=sys.stderr)
        sc.stop()
        return 1
    sc.stop()
    if len(dirs) != n:
        print(f"newsgraph_spark: {len(dirs)} of {n} shards reported a folder", file=sys.stderr)
        return 1
    merged = os.path.join(args.results, "merged")
    # merge checks the set itself: every K/N once, one input, one set of options.
    return subprocess.run([args.newsgraph, "merge", *dirs, "-o", merged], env={}).returncode


if __name__ == "__main__":
    sys.exit(main())
