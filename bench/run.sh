#!/usr/bin/env bash
# The whole benchmark suite, closbgpd side by side with BIRD, FRR and (in the
# control-plane scenarios) GoBGP, each scenario's routers alternating pass
# by pass; then the report: bench/results/REPORT.md and bench/results/plots/.
# As root, after scripts/setup.sh and scripts/build.sh.
#
#   bench/run.sh           the issue's sizes, 3 passes (about 30 minutes here, and as
#                          long again for the fabric of up to 1,000 routers)
#   bench/run.sh --quick   small sizes, 1 pass, into bench/results/quick/ (a few minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
py=/usr/bin/python3

if [ "${1:-}" = "--quick" ]; then
  out=bench/results/quick runs=1
  ingest=100000 churn=20000 rounds=3 fanin_peers=8 fanin_routes=2000 failover=10000
  bfd_trials=3 peers=200 vnis=100 macs=10000 fabric=16,28
else
  out=bench/results runs=3
  ingest=1000000 churn=100000 rounds=10 fanin_peers=32 fanin_routes=10000 failover=100000
  bfd_trials=10 peers=1000 vnis=1000 macs=100000 fabric=52,100,250,500,1000
fi
mkdir -p "$out"

step() {
  echo "== $*"
  "$py" "$@"
}

step bench/ingest.py --routes $ingest --runs $runs --out "$out/ingest.json"
step bench/ingest.py --routes $ingest --runs $runs --only closbgpd --api-probe \
  --out "$out/api_latency.json"
step bench/listing.py --routes $ingest --runs $runs --out "$out/listing.json"
step bench/fib_ingest.py --routes $ingest --runs $runs --out "$out/fib_ingest.json"
step bench/churn.py --routes $churn --rounds $rounds --runs $runs --out "$out/churn.json"
step bench/bmp.py --routes $ingest --runs $runs --out "$out/bmp.json"
step bench/fanin.py --peers $fanin_peers --routes $fanin_routes --runs $runs --out "$out/fanin.json"
step bench/fabric_failover.py --routes $failover --runs $runs --out "$out/fabric_failover.json"
step bench/fabric_scale.py --routers $fabric --out "$out/fabric_scale.json"
step bench/bfd.py --trials $bfd_trials --out "$out/bfd.json"
step bench/bfd_load.py --routes $ingest --runs $runs --out "$out/bfd_load.json"
step bench/many_peers.py --peers $peers --out "$out/many_peers.json"
step bench/evpn_vnis.py --vnis $vnis --runs $runs --out "$out/evpn_vnis.json"
step bench/evpn_macs.py --routes $macs --runs $runs --out "$out/evpn_macs.json"
build/bench/wire_bench --benchmark_format=json --benchmark_out="$out/wire_bench.json" \
  --benchmark_out_format=json >/dev/null
step bench/report.py "$out"
echo "report: $out/REPORT.md"
