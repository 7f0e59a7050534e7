# What changes from run to run on every screen, for sed -E; every golden
# goes through it (tests/lib.sh: sd_golden), after what only its test knows
# (its commits' hashes). A template hash can look like an age
# (web-5859d8889s): names go first, and an age never follows a "-".

# a pod, NAME-HASH-XXXXX, and its ReplicaSet, NAME-HASH: hashes and suffixes
# are of Kubernetes' safe alphabet (the sandbox's too): no vowels, no 0 1 3
s/\b([a-z][a-z0-9]*(-[a-z][a-z0-9]*)*)-[bcdfghjklmnpqrstvwxz2456789]{6,10}-[bcdfghjklmnpqrstvwxz2456789]{5}\b/\1-HASH-XXXXX/g
s/\b([a-z][a-z0-9]*(-[a-z][a-z0-9]*)*)-[bcdfghjklmnpqrstvwxz2456789]{6,10}\b/\1-HASH/g
s/\b(sandbox|kwok)-node-[0-9]+\b/node-N/g
s/(shipdeck deploy [^ ]+ [^ ]+ by )[A-Za-z0-9._-]+/\1USER/g
s/(shipdeck rollback [^ ]+ to revision [0-9]+ \([^)]*\) by )[A-Za-z0-9._-]+/\1USER/g

# times: a timestamp, a clock, a span (an age or a duration: 5s, 1.2s,
# 0m05s, 3h4m …), the canary's countdown, a spinner's frame
s/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z/TIME/g
s/\b[0-9]{2}:[0-9]{2}:[0-9]{2}\b/HH:MM:SS/g
# (a number after "[" is an escape sequence shown as text: \033[0m)
s/(^|[^[:alnum:]_.:[-])[0-9]+(\.[0-9]+)?ms\b/\1Nms/g
s/(^|[^[:alnum:]_.:[-])[0-9]+(\.[0-9]+)?(s|m[0-9]+s|m|h[0-9]+m|h|d[0-9]+h|d|y[0-9]+d|y)\b/\1AGE/g
s/analysing…/next analysis in AGE/g
s/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/SPIN/g

# where the test runs, keeping the widths: its servers' ports (ephemeral:
# five digits), its folder (tests/lib.sh: sd_setup)
s/127\.0\.0\.1:[0-9]{5}\b/127.0.0.1:PORTS/g
s#/tmp/([a-z-]+)\.[A-Za-z0-9]{6}#/tmp/\1.XXXXXX#g

# the padding a varying width leaves (an age, a hash, a node's name), then
# the blanks at the ends of lines
s/\b(HASH-XXXXX|HASH|node-N|AGE|Nms) +/\1 /g
s/ +$//
