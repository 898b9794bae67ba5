"""The machine the benchmark ran on, as one JSON object."""

import json
import os
import platform
import subprocess

import psutil


def run(*cmd: str) -> str:
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def os_name() -> str:
    try:
        with open("/etc/os-release") as f:
            fields = dict(line.rstrip("\n").split("=", 1) for line in f if "=" in line)
        return fields.get("PRETTY_NAME", "").strip('"') + f" (kernel {platform.release()})"
    except OSError:
        return f"{platform.system()} {platform.release()}"


print(json.dumps({
    "nproc": os.cpu_count(),
    "cpu": cpu_model(),
    "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
    "os": os_name(),
    "rustc": run("rustc", "--version"),
    "python": platform.python_version(),
    "node": run("node", "--version"),
    "loadavg": [round(x, 2) for x in os.getloadavg()],
}))
