"""Targets are evaluated honestly and the report shows each one with its verdict."""

import json

import pytest

from bench import report
from bench.results import Section, Table, Target, evaluate, skipped


@pytest.mark.parametrize(
    ("value", "op", "threshold", "met"),
    [
        (0.93, ">=", 0.9, True),
        (0.9, ">=", 0.9, True),
        (0.48, ">=", 0.9, False),
        (1.5, "<=", 2.0, True),
        (2.01, "<=", 2.0, False),
        (256.0, "<", 256.0, False),
    ],
)
def test_evaluate_compares_the_measured_value_with_the_goal(value, op, threshold, met):
    assert evaluate("t", "goal", value, op, threshold).met is met


def test_an_unmeasured_target_is_neither_met_nor_failed():
    target = evaluate("ingest ≥ 0.9× raw", "goal", None, ">=", 0.9)
    assert target.met is None
    assert target.verdict == "not measured"
    assert target.measured == "—"


def test_an_unknown_comparison_is_refused():
    with pytest.raises(ValueError, match="comparison"):
        evaluate("t", "goal", 1.0, "==", 1.0)


def test_measured_value_is_formatted_as_asked():
    assert evaluate("t", "g", 1.234, "<=", 2.0, "+{:.2f} ms").measured == "+1.23 ms"


def _sections():
    ok = Section(
        "ingest",
        "1. Ingest",
        tables=[Table(["path", "articles/s"], [["raw", 1043.0]])],
        targets=[Target("ratio", "≥ 0.9×", "0.48", False)],
        notes=["a note"],
        plots=["p.png"],
    )
    return [
        ok,
        skipped(
            "memory", "5. Memory", "handler missing", [evaluate("peak", "< 256 MB", None, "<", 256)]
        ),
    ]


def test_report_lists_every_target_with_its_verdict():
    text = report.render({"profile": "full", "elapsed_s": 12}, {"cpu cores": 2}, _sections())
    assert "| 1. Ingest | ratio | ≥ 0.9× | 0.48 | NOT met |" in text
    assert "| 5. Memory | peak | < 256 MB | — | not measured |" in text


def test_report_says_why_a_benchmark_was_skipped_and_links_plots():
    text = report.render({"profile": "full"}, {}, _sections())
    assert "**skipped**: handler missing" in text
    assert "![1. Ingest](p.png)" in text
    assert "- a note" in text


def test_quick_profile_report_is_labelled_as_such():
    assert "Quick profile" in report.render({"profile": "quick"}, {}, [])
    assert "Quick profile" not in report.render({"profile": "full"}, {}, [])


def test_table_cells_are_escaped_and_numbers_right_aligned():
    text = report.render_table(Table(["name", "n"], [["a|b", 1234], ["c", 5]]))
    assert text.splitlines()[1] == "| --- | ---: |"
    assert "| a\\|b | 1,234 |" in text


def test_write_produces_markdown_and_json_with_the_raw_figures(tmp_path):
    md, js = report.write(tmp_path, {"profile": "quick"}, {"python": "3.11"}, _sections())
    data = json.loads(js.read_text(encoding="utf-8"))
    assert md.read_text(encoding="utf-8").startswith("# Benchmarks")
    assert data["machine"] == {"python": "3.11"}
    assert data["sections"][0]["targets"][0]["verdict"] == "NOT met"
    assert data["sections"][1]["status"] == "skipped"


def test_a_section_survives_the_json_round_trip_for_partial_re_runs(tmp_path):
    from bench.results import section_from_dict

    _, js = report.write(tmp_path, {"profile": "full"}, {}, _sections())
    data = json.loads(js.read_text(encoding="utf-8"))
    back = [section_from_dict(s) for s in data["sections"]]
    assert back == _sections()


def test_a_partly_re_run_report_says_so():
    text = report.render({"profile": "full", "merged": "re-ran coldstart"}, {}, [])
    assert "Partly re-run: re-ran coldstart" in text
