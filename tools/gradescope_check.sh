#!/usr/bin/env bash
# The Gradescope bundle, built and run for real with one Python interpreter:
#
#     tools/gradescope_check.sh PYTHON [ASSIGNMENT...]     (default: conv_as_matrix)
#     tools/gradescope_check.sh /root/.pyenv/versions/3.10.13/bin/python
#
# It writes the bundle, unpacks it into an emulated /autograder (a temporary folder with
# Gradescope's layout), runs its setup.sh with PYTHON as the image's python3 -- a full
# install of requirements.txt from the package index, several minutes and about 1.5 GB --
# then its run_autograder on the perfect and the partial example, and prints each score.
# apt-get is stood in for (it only says what it was asked): with a PYTHON older than 3.11
# (Ubuntu 22.04's 3.10), setup.sh then takes the python3.11 found on PATH, as it would
# after installing Ubuntu's package. Exits non-zero when a step fails or the grader reports
# an error of its own.
set -euo pipefail
python="$1"; shift
assignments=("${@:-conv_as_matrix}")
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d /tmp/gradescope-check.XXXXXX)"
root="$work/autograder"
mkdir -p "$root/source" "$work/bin"
printf '#!/bin/sh\necho "apt-get $*: stood in for"\n' > "$work/bin/apt-get"
chmod +x "$work/bin/apt-get"

(cd "$repo" && python3 -m autograder gradescope "${assignments[@]}" --out "$work/autograder.zip")
python3 -m zipfile -e "$work/autograder.zip" "$root/source"
chmod +x "$root/source/setup.sh" "$root/source/run_autograder"

started=$SECONDS
PATH="$work/bin:$PATH" AUTOGRADER_ROOT="$root" AUTOGRADER_SETUP_PYTHON="$python" \
    bash "$root/source/setup.sh" > "$work/setup.log" 2>&1 \
    || { tail -20 "$work/setup.log"; echo "setup.sh failed: $work/setup.log"; exit 1; }
grep '^autograder:\|^apt-get' "$work/setup.log"
echo "setup.sh: $((SECONDS - started)) s"
"$root/venv/bin/python" -m pip list 2>/dev/null | grep -iE '^(tensorflow|keras|numpy) '

for example in perfect partial; do
    rm -rf "$root/submission" "$root/results"
    cp -r "$repo/examples/submissions/$example" "$root/submission"
    started=$SECONDS
    AUTOGRADER_ROOT="$root" bash "$root/source/run_autograder" > "$work/run-$example.log" 2>&1
    "$root/venv/bin/python" - "$root/results/results.json" "$example" "$((SECONDS - started))" <<'EOF'
import json, sys
results = json.load(open(sys.argv[1]))
scores = results.get("extra_data", {}).get("scores", {})
print(f"{sys.argv[2]}: {results['score']:g} in {sys.argv[3]} s", scores)
if not results["tests"] or results.get("extra_data", {}).get("grader_errors"):
    sys.exit(f"grader problem: {results.get('output')}")
EOF
done
echo "emulated /autograder kept in $work"
