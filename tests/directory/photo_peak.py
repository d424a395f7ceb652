"""Run as `python -m tests.directory.photo_peak FILE`: process one upload as a web worker
would, then print the worker's resident memory before and at its peak (kB, JSON)."""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
django.setup()

from PIL import Image  # noqa: E402

from directory import photos  # noqa: E402


def high_water_kb() -> int:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited at fork)."""
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1])


Image.init()  # every format plug-in loaded, as after a worker's first upload
before = high_water_kb()
with open(sys.argv[1], "rb") as upload:
    result = photos.process(upload=upload, size=os.fstat(upload.fileno()).st_size)
peak = high_water_kb()
print(json.dumps({"before_kb": before, "peak_kb": peak, "profile_bytes": result.profile.size}))
