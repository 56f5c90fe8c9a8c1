"""Study tools against their targets (issue 13), on real speech transcribed by the product.

1. Chapters: a lecture of four topics (`evaluation.topic_lecture`: printing history, a sonnet,
   a novel's opening, Harvard sentences; ~4 min each) → boundary F1 within ±15 s of the true
   topic changes (target ≥ 0.8) and no boundary inside a topic (every found boundary matches).
2. Semantic search: eight sessions (`evaluation.paraphrases.SESSIONS`), 28 paraphrase queries
   sharing no content word with their session's transcript → right session and moment at
   rank 1 (target ≥ 80 %).
3. Speed: the 60-minute `make bench` lecture transcribed by our CLI, then its study guide built
   (every passage embedded, chapters, key sentences, terms) in one run → ratio (target ≤ 10 %).
4. Search latency: synthetic unit vectors for 1,000 lecture-hours (passages per hour as
   measured in 3) → one query, brute force, with and without an owner mask (target ≤ 200 ms).

Transcripts are made once with `video-transcriber transcribe` (tiny.en) and cached under
bench/out/study/ (git-ignored); `--fresh` transcribes again. Speed always transcribes anew.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from typing import Any

import numpy as np

from harness import (
    OUT_DIR,
    bench_config,
    bench_env,
    checked,
    cpu_summary,
    lecture,
    run_measured,
    run_ours,
    save_results,
)
from testkit.evaluation.paraphrases import QUERIES, SESSIONS, moment_span, shared_words
from testkit.evaluation.topic_lecture import (
    TopicLecture,
    layout,
    reference_segments,
    write_lecture,
)
from video_transcriber.config import StudySettings
from video_transcriber.domain import Segment
from video_transcriber.insights.sentences import sentences_of
from video_transcriber.study.embedding import load_embedder
from video_transcriber.study.guide import build_guide
from video_transcriber.study.passages import build_passages
from video_transcriber.study.vectors import VectorMatrix

STUDY_DIR = OUT_DIR / "study"
TOLERANCE = 15.0
SEED = 7


def transcribe_cached(
    lectures: dict[str, TopicLecture], *, fresh: bool
) -> dict[str, list[Segment]]:
    """Each lecture written to audio and transcribed by our CLI once (one warm model)."""
    STUDY_DIR.mkdir(parents=True, exist_ok=True)
    wanted = {name: STUDY_DIR / f"{name}.json" for name in lectures}
    missing = [name for name, path in wanted.items() if fresh or not path.exists()]
    if missing:
        media = [
            write_lecture(lectures[n], STUDY_DIR / f"{n}.wav", container="wav") for n in missing
        ]
        command = [
            sys.executable, "-m", "video_transcriber", "transcribe",
            *(str(item.path) for item in media), "-o", str(STUDY_DIR), "-f", "json",
        ]  # fmt: skip
        measured = checked(run_measured(command, env=bench_env()), "transcribe")
        print(f"transcribed {len(missing)} file(s) in {measured.wall_seconds:.1f} s", flush=True)
    return {name: segments_of(json.loads(path.read_text())) for name, path in wanted.items()}


def segments_of(document: dict[str, Any]) -> list[Segment]:
    """The segments of our JSON output (which carries more fields than `Segment`)."""
    return [Segment(s["start"], s["end"], s["text"]) for s in document["segments"]]


def boundary_f1(found: list[float], truth: list[float]) -> dict[str, float]:
    """One-to-one matches within TOLERANCE, nearest first."""
    pairs = sorted((abs(f - t), i, j) for i, f in enumerate(found) for j, t in enumerate(truth))
    used_f: set[int] = set()
    used_t: set[int] = set()
    for distance, i, j in pairs:
        if distance <= TOLERANCE and i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
    hits = len(used_f)
    precision = hits / len(found) if found else 1.0
    recall = hits / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "inside_topic": len(found) - hits}


def chapters_part(fresh: bool) -> dict[str, Any]:
    built = layout(topic_seconds=240.0, seed=SEED)
    segments = transcribe_cached({"four-topics": built}, fresh=fresh)["four-topics"]
    embedder = load_embedder(StudySettings().threads)
    results: dict[str, Any] = {"truth": built.topic_starts, "duration": built.duration}
    for label, source in (("asr", segments), ("reference", reference_segments(built))):
        guide = build_guide(
            source, duration=built.duration, embedder=embedder, settings=StudySettings()
        )
        found = [chapter.start for chapter in guide.chapters[1:]]
        score = boundary_f1(found, built.topic_starts)
        results[label] = {
            "found": found,
            **score,
            "titles": [c.title for c in guide.chapters],
            "key_terms": [t.term for t in guide.key_terms],
        }
        print(
            f"chapters ({label}): F1 {score['f1']:.2f} (P {score['precision']:.2f} "
            f"R {score['recall']:.2f}), inside a topic {score['inside_topic']}; "
            f"found {[round(f, 1) for f in found]} vs {[round(t, 1) for t in built.topic_starts]}",
            flush=True,
        )
        for chapter in guide.chapters:
            print(f"   {chapter.start:7.1f}  {chapter.title}")
    return results


def search_part(fresh: bool) -> dict[str, Any]:
    sessions = {
        name: layout((name,), topic_seconds=0.0, seed=SEED, catalogue=SESSIONS) for name in SESSIONS
    }
    transcripts = transcribe_cached({f"session-{n}": s for n, s in sessions.items()}, fresh=fresh)
    embedder = load_embedder(StudySettings().threads)
    rows: list[tuple[str, Any]] = []
    sentences = {}
    for name in SESSIONS:
        sentences[name] = sentences_of(transcripts[f"session-{name}"])
        passages = build_passages(sentences[name], target_words=StudySettings().passage_words)
        rows += [(name, passage) for passage in passages]
    matrix = VectorMatrix(embedder.passages([p.text for _, p in rows]), [n for n, _ in rows])
    correct, overlapping, details = 0, 0, []
    for query in QUERIES:
        said = [s.text for s in sentences[query.session]]
        said += [p.clip.reference for p in sessions[query.session].placements]
        shared = sorted(shared_words(query.query, said))
        overlapping += bool(shared)
        start, end = moment_span(query.quote, sentences[query.session])
        best = matrix.top(embedder.query(query.query), limit=1)[0]
        name, passage = rows[best.row]
        good = name == query.session and passage.start <= end and passage.end >= start
        correct += good
        details.append({"query": query.query, "ok": good, "shared": shared, "hit": name})
        if not good:
            print(f"   miss: {query.query!r} -> {name} {passage.start:.0f}s {passage.text[:60]!r}")
    rate = correct / len(QUERIES)
    print(
        f"semantic search: {correct}/{len(QUERIES)} = {rate:.0%} right session and moment at "
        f"rank 1 over {len(rows)} passages of {len(SESSIONS)} sessions; queries sharing a "
        f"content word with their transcript: {overlapping}",
        flush=True,
    )
    return {"rate": rate, "correct": correct, "queries": len(QUERIES), "passages": len(rows),
            "sharing_a_word": overlapping, "details": details}  # fmt: skip


def speed_part() -> dict[str, Any]:
    info = lecture(60)
    config = bench_config()
    measured, document = run_ours(info.path, config)
    (STUDY_DIR / "lecture-60min.json").write_text(json.dumps(document))  # for re-profiling
    segments = segments_of(document)
    embedder = load_embedder(StudySettings().threads)
    cpu_before, started = os.times(), time.monotonic()
    guide = build_guide(
        segments, duration=info.duration, embedder=embedder, settings=StudySettings()
    )
    wall = time.monotonic() - started
    cpu_after = os.times()
    cpu = (cpu_after.user - cpu_before.user) + (cpu_after.system - cpu_before.system)
    words = sum(len(p.text.split()) for p in guide.passages)
    ratio, cpu_ratio = wall / measured.wall_seconds, cpu / measured.cpu_seconds
    print(
        f"speed (60 min): transcription {measured.wall_seconds:.1f} s wall / "
        f"{measured.cpu_seconds:.1f} s CPU; study guide {wall:.1f} s wall / {cpu:.1f} s CPU "
        f"({len(guide.passages)} passages, {words} words, {len(guide.chapters)} chapters) "
        f"-> {ratio:.1%} of wall, {cpu_ratio:.1%} of CPU",
        flush=True,
    )
    return {"transcribe_wall": measured.wall_seconds, "transcribe_cpu": measured.cpu_seconds,
            "study_wall": wall, "study_cpu": cpu, "passages": len(guide.passages),
            "words": words, "ratio_wall": ratio, "ratio_cpu": cpu_ratio}  # fmt: skip


def latency_part(passages_per_hour: float, hours: int = 1000) -> dict[str, Any]:
    rows = int(passages_per_hour * hours)
    rng = np.random.default_rng(SEED)
    vectors = rng.standard_normal((rows, 384), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    groups = [f"job-{i // max(1, int(passages_per_hour))}" for i in range(rows)]
    matrix = VectorMatrix(vectors, groups)
    allowed = {f"job-{i}" for i in range(0, hours, 2)}
    timings: dict[str, float] = {}
    for label, mask in (("all", None), ("half the sessions visible", allowed)):
        samples = []
        for _ in range(20):
            query = rng.standard_normal(384).astype(np.float32)
            query /= np.linalg.norm(query)
            started = time.perf_counter()
            matrix.top(query, limit=20, allowed=mask)
            samples.append(time.perf_counter() - started)
        timings[label] = statistics.median(samples) * 1000
    print(
        f"search latency: {rows} passages ({hours} lecture-hours, {vectors.nbytes / 1e6:.0f} MB): "
        + ", ".join(f"{k} {v:.1f} ms" for k, v in timings.items())
        + " (median of 20)",
        flush=True,
    )
    return {"rows": rows, "hours": hours, "median_ms": timings}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--fresh", action="store_true", help="transcribe the cached lectures again")
    parser.add_argument("--skip-speed", action="store_true", help="leave out the 60-minute run")
    parser.add_argument("--only-speed", action="store_true", help="the 60-minute run alone")
    args = parser.parse_args()
    print(cpu_summary(), "| load", os.getloadavg(), flush=True)
    results: dict[str, Any] = {"cpu": cpu_summary(), "load_before": os.getloadavg()}
    if not args.only_speed:
        results["chapters"] = chapters_part(args.fresh)
        results["search"] = search_part(args.fresh)
    per_hour = 130.0
    if not args.skip_speed:
        results["speed"] = speed_part()
        per_hour = results["speed"]["passages"]
    results["latency"] = latency_part(per_hour)
    results["load_after"] = os.getloadavg()
    print("results:", save_results("study", results), "| load", os.getloadavg())


if __name__ == "__main__":
    main()
