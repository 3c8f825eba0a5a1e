#!/usr/bin/env bash
# Sets up, builds and runs every test suite through CTest:
#   unit      GoogleTest (also under ASan/UBSan in build-fuzz/)
#   netns     daemons in network namespaces (root)
#   topology  Mininet fabrics (root)
#   fuzz      libFuzzer targets for a bounded time
#   leak      session flaps against the AddressSanitizer build (build-asan/)
# --quick: unit tests of the main tree only.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=0
[ "${1:-}" = "--quick" ] && quick=1

bash scripts/setup.sh
if [ $quick = 1 ]; then
  bash scripts/build.sh --main-only
else
  bash scripts/build.sh
fi

passed=0
failed=0
status=0
# Runs ctest and adds its totals to the summary.
run_ctest() {
  local log
  log=$(mktemp)
  set +e
  ctest --test-dir "$@" --output-on-failure 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  set -e
  [ "$rc" = 0 ] || status=1
  local line total bad
  line=$(grep -E "tests passed, [0-9]+ tests? failed out of [0-9]+" "$log" | tail -1 || true)
  if [ -n "$line" ]; then
    total=$(sed -E 's/.*out of ([0-9]+).*/\1/' <<<"$line")
    bad=$(sed -E 's/.*passed, ([0-9]+) tests? failed.*/\1/' <<<"$line")
    passed=$((passed + total - bad))
    failed=$((failed + bad))
  elif [ "$rc" != 0 ]; then
    failed=$((failed + 1))
  fi
  rm -f "$log"
}

if [ $quick = 1 ]; then
  run_ctest build -L unit
else
  run_ctest build -L 'unit|netns|topology'
  run_ctest build-fuzz -L 'unit|fuzz'
  run_ctest build-asan -L leak
fi

echo
echo "test.sh: $passed passed, $failed failed"
exit $status
