"""`make bench`: runs every benchmark module and prints measured figures beside a naive baseline."""
import importlib
import pkgutil
import sys

import bench


def main(argv=None):
    names = [m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_")]
    wanted = set((argv or sys.argv[1:]))
    for name in sorted(names):
        if wanted and name not in wanted:
            continue
        print(f"== {name}")
        importlib.import_module(f"bench.{name}").run()


if __name__ == "__main__":
    main()
