#!/usr/bin/env bash
# libFuzzer targets for every parser of outside input (Fuzz/Sources/Targets.swift).
#   scripts/fuzz.sh TARGET SECONDS [libFuzzer options]   run one target from its seed corpus
#   scripts/fuzz.sh --smoke                              run every target for a few seconds
#   scripts/fuzz.sh --list                               list the targets
# The package is built with coverage instrumentation into .build-fuzz (apart from .build), then
# Fuzz/Sources is linked against its objects with -sanitize=fuzzer into one binary; FUZZ_TARGET
# picks the target. A crash leaves its input in .build-fuzz/crashes/TARGET/: turn it into a unit test.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=.build-fuzz
binary=$scratch/casevault-fuzz
export SWIFT_BACKTRACE=enable=no

build() {
    for target in CaseVaultCore CaseVaultSamples; do
        swift build --scratch-path "$scratch" --target "$target" -Xswiftc -sanitize=fuzzer >>"$scratch/build.log" 2>&1 \
            || { tail -20 "$scratch/build.log"; echo "fuzz: package build failed" >&2; exit 1; }
    done
    local debug="$scratch/debug"
    local objects=() maps=()
    for dir in "$debug"/*.build; do
        case "$(basename "$dir")" in casevault.build|CaseVaultBenchmark.build|*Tests.build|ArgumentParser*) continue ;; esac
        # A Swift target's current objects are those its output file map names: files moved
        # or deleted since an earlier build leave stale objects behind.
        if [[ -f $dir/output-file-map.json ]]; then
            while IFS= read -r o; do objects+=("$o"); done < <(python3 -c 'import json, sys
for e in json.load(open(sys.argv[1])).values():
    if "object" in e: print(e["object"])' "$dir/output-file-map.json" | while IFS= read -r f; do [[ -f $f ]] && echo "$f"; done)
        else
            while IFS= read -r o; do objects+=("$o"); done < <(find "$dir" -name '*.o')
        fi
    done
    while IFS= read -r m; do maps+=(-Xcc "-fmodule-map-file=$m"); done \
        < <(find "$debug" Sources/CSodium "$scratch/checkouts" -name module.modulemap 2>/dev/null)
    if [[ -x $binary && -z $(find Fuzz/Sources "${objects[@]}" -newer "$binary" -print -quit) ]]; then return; fi
    swiftc -sanitize=fuzzer -parse-as-library -g -Onone -I "$debug/Modules" "${maps[@]}" \
        Fuzz/Sources/*.swift "${objects[@]}" -lsodium -lsqlite3 -o "$binary"
}

targets() { FUZZ_TARGET=none "$binary" 2>&1 | sed -n 's/^set FUZZ_TARGET to one of: //p' | tr ' ' '\n'; }

run() {  # TARGET SECONDS [options]
    local target=$1 seconds=$2; shift 2
    local work="$scratch/corpus/$target" crashes="$scratch/crashes/$target/"
    mkdir -p "$work" "$crashes"
    FUZZ_TARGET=$target "$binary" "$work" "Fuzz/corpus/$target" -max_total_time="$seconds" -max_len=65536 \
        -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes" -print_final_stats=1 "$@"
}

mkdir -p "$scratch"
: >"$scratch/build.log"
build
case "${1:-}" in
    --list) targets ;;
    --smoke)
        failed=()
        for t in $(targets); do
            if run "$t" "${FUZZ_SMOKE_SECONDS:-2}" >"$scratch/smoke-$t.log" 2>&1; then
                echo "fuzz smoke: $t: $(sed -n 's/^stat::number_of_executed_units: *//p' "$scratch/smoke-$t.log") runs, no crash"
            else
                echo "fuzz smoke: $t: FAILED (see $scratch/smoke-$t.log)"; failed+=("$t")
            fi
        done
        [[ ${#failed[@]} -eq 0 ]] || { echo "fuzz smoke failed: ${failed[*]}" >&2; exit 1; } ;;
    ""|-*) echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer options] | --smoke | --list" >&2; exit 2 ;;
    *) run "$1" "${2:-60}" "${@:3}" ;;
esac
