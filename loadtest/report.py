"""Print the load test's figures from locust's CSV stats and fail on any error.

python loadtest/report.py var/load/stats var/load/statuses.json
"""

import csv
import json
import sys
from pathlib import Path


def main(prefix: str, statuses_file: str) -> int:
    with Path(f"{prefix}_stats.csv").open() as stats:
        rows = list(csv.DictReader(stats))
    columns = " ".join(f"{name:>5}" for name in ("fails", "req/s", "p50", "p95", "p99"))
    print(f"{'endpoint':58} {'requests':>8} {columns}")
    for row in rows:
        print(
            f"{(row['Type'] + ' ' + row['Name']).strip()[:58]:58} {row['Request Count']:>8} "
            f"{row['Failure Count']:>5} {float(row['Requests/s']):7.1f} {row['50%']:>5} "
            f"{row['95%']:>5} {row['99%']:>5}"
        )
    print("(latencies in ms)")
    statuses = json.loads(Path(statuses_file).read_text()) if Path(statuses_file).exists() else {}
    for name, count in statuses.items():
        print(f"  {name}: {count}")
    total = next(row for row in rows if row["Name"] == "Aggregated")
    failures = int(total["Failure Count"])
    if failures:
        print(f"FAILED: {failures} request(s) failed (see {prefix}_failures.csv)")
        return 1
    print("OK: zero errors")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
