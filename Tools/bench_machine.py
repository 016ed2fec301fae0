"""How busy the shared machine is around a benchmark run, for Tools/bench-llama-cpp.sh and
Tools/bench-vs-llama-cpp.sh (imported by their embedded Python; not a program of its own).

    busy_before()        cores busy during the last second (niced time counts), printed with
                         a warning when another process is using the CPUs
    run(cmd, ...)        runs cmd, waits with wait4 and returns its exit status, wall time,
                         CPU time, peak resident memory (ru_maxrss) and how many cores other
                         processes used on average meanwhile (all busy time in /proc/stat
                         minus the command's own rusage)
    warn_shared(others)  the warning for a run during which others used the CPUs

The load average lags by minutes, hence /proc/stat.
"""
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")
NCPU = os.cpu_count()
BUSY_BEFORE_LIMIT = 0.3     # cores
SHARED_DURING_LIMIT = 0.2   # cores, on average over the run


def cpu():
    """(busy, total) jiffies over all cores; niced time counts as busy."""
    with open("/proc/stat") as f:
        v = list(map(int, f.readline().split()[1:9]))
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7]
    return busy, busy + v[3] + v[4]


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def busy_now(seconds=1.0):
    b0, t0 = cpu()
    time.sleep(seconds)
    b1, t1 = cpu()
    return NCPU * (b1 - b0) / max(t1 - t0, 1)


def busy_before(quiet=False):
    """Cores busy during the last second; prints it (unless quiet) and warns when high."""
    before = busy_now()
    if not quiet:
        print(f"cores busy before the run: {before:.2f} of {NCPU} (load average {load()})", flush=True)
    if before > BUSY_BEFORE_LIMIT:
        print(f"warning: another process is using the CPUs ({before:.2f} cores busy); the numbers "
              "will be low, rerun when the machine is idle.", file=sys.stderr, flush=True)
    return before


def run(cmd, stdout=None, stderr=None, env=None):
    """Runs cmd; returns a dict: code, wall (s), cpu (s, user+system), maxrss (bytes),
    others (cores other processes used on average during the run)."""
    b0, _ = cpu()
    w0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=stderr, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.monotonic() - w0
    b1, _ = cpu()
    own = usage.ru_utime + usage.ru_stime
    others = max(((b1 - b0) / TICK - own) / max(wall, 1e-9), 0.0)
    return {"code": proc.returncode, "wall": wall, "cpu": own, "maxrss": usage.ru_maxrss * 1024,
            "others": others}


def warn_shared(others, what="the run"):
    if others > SHARED_DURING_LIMIT:
        print(f"warning: the machine was shared during {what} (other processes used {others:.2f} "
              "cores on average); these numbers are low and noisy, rerun when it is idle.",
              file=sys.stderr, flush=True)
        return True
    return False
