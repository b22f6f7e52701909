"""The command-line interface: the only package of migrator that imports click."""

import os

# polars' allocator (jemalloc) gives freed memory back to the system after half a second by default, so a
# run that works batch by batch (one every second or so) faults the same pages in again for every batch.
# Kept for five seconds they are reused: about a third fewer page faults and a few per cent less time on a
# million records, for some 50 MB more at the peak. Only before polars is imported, and never over a
# setting of the user's own (polars adds this one to its defaults).
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:5000,muzzy_decay_ms:5000")
