"""Start several Python processes and release them at the same moment, once all are ready."""
import subprocess
import sys

# Prepended to each script: waits for "go" on stdin after saying it is ready (imports done, store open).
PRELUDE = "import sys\n\ndef ready_then_wait():\n    print('ready', flush=True)\n    sys.stdin.readline()\n\n"


def run_together(script: str, argv_list: list[list[str]], timeout: float = 120) -> list[str]:
    """Run `script` once per argv, start them all together, return each one's last stdout line."""
    procs = [subprocess.Popen([sys.executable, "-c", PRELUDE + script, *argv], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for argv in argv_list]
    for p in procs:
        line = p.stdout.readline()
        if line.strip() != "ready":
            p.wait(timeout)
            raise AssertionError(f"process failed before ready: {p.stderr.read()}")
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=timeout)
        assert p.returncode == 0, err
        outs.append(out.strip().splitlines()[-1] if out.strip() else "")
    return outs
