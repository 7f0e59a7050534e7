#!/usr/bin/env python3
"""role_at.py SCREEN ROLES TEXT [SKIP]: the role names (the legend's, e.g.
"warn" or "ok running") of the cell SKIP characters into the first TEXT on
SCREEN, read from ROLES, the console's dump-roles of the same frame. Prints
nothing and exits 1 when TEXT is not on SCREEN."""
import sys

screen, roles, text = sys.argv[1:4]
skip = int(sys.argv[4]) if len(sys.argv) > 4 else 0
legend, cells = open(roles, encoding="utf-8").read().split("--\n", 1)
names = {line[0]: line[2:] for line in legend.splitlines() if line}
names["."] = "default"
cells = cells.splitlines()
for y, line in enumerate(open(screen, encoding="utf-8").read().splitlines()):
    x = line.find(text)
    if x >= 0:
        row = cells[y] if y < len(cells) else ""
        print(names.get(row[x + skip] if x + skip < len(row) else ".", "none"))
        sys.exit(0)
sys.exit(1)
