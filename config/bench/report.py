"""The targets (issue 13), checked on the measurements; ratios only, so they hold on any machine."""

from __future__ import annotations

READS = [
    "api_case_list_caseworker",
    "api_case_list_supervisor",
    "api_case_detail_caseworker",
    "api_case_detail_supervisor",
    "api_inbox_supervisor",
    "ui_case_page_caseworker",
    "ui_dashboard_caseworker",
    "audit_who_accessed_case",
    "audit_what_user_accessed",
]


def target(value, limit: str, passed) -> dict:
    return {"value": None if value is None else round(value, 3), "target": limit, "pass": passed}


def targets(report: dict) -> dict:
    reads, floors = report["reads"], report.get("floors", {})
    out: dict = {}
    for name in READS:
        large, small = reads[name]["large"], reads[name]["small"]
        floor = floors.get(name, {}).get("large")
        if floor:
            ratio = large["p50_ms"] / floor["p50_ms"]
            out[f"{name}: p50 / SQL floor"] = target(ratio, "<= 5", ratio <= 5)
        else:
            out[f"{name}: p50 / SQL floor"] = {"value": None, "target": "<= 5", "pass": None, "note": "not measured"}
        ratio = large["p95_ms"] / large["p50_ms"]
        out[f"{name}: p95 / p50"] = target(ratio, "<= 3", ratio <= 3)
        growth = large["p50_ms"] / small["p50_ms"]
        out[f"{name}: p50 at 10x data / p50"] = target(growth, "<= 1.5", growth <= 1.5)
        # The statements of a typical call (the most frequent count). Beside a read's own
        # statements, a session is written at most once a minute (its idle clock), which adds one
        # to whichever call falls on it: ``queries_max`` shows it, the comparison leaves it out.
        same = large["queries"] == small["queries"]
        out[f"{name}: queries per request at both sizes"] = {
            "value": [small["queries"], large["queries"]],
            "target": "equal",
            "pass": same,
        }
    peer = report["peer"]
    speedup = peer["guardian_generic"]["p50_ms"] / peer["ours"]["p50_ms"]
    out["case list (caseworker): guardian-stock peer p50 / ours"] = target(speedup, ">= 5", speedup >= 5)
    pipeline = report["share_pipeline"]
    share = pipeline["pipeline_shares_per_second"] / pipeline["builder_shares_per_second"]
    out["share pipeline (2 workers) / payload builder rate"] = target(share, ">= 0.4", share >= 0.4)
    with_log = reads["api_case_detail_caseworker"]["large"]["p50_ms"]
    without = reads["api_case_detail_caseworker_without_access_log"]["large"]["p50_ms"]
    added = with_log / without - 1
    out["access entry: added to case detail p50"] = target(added, "<= 0.15", added <= 0.15)
    return out


def diagnostics(report: dict) -> dict:
    """Not targets: where each read's time goes. ``stack_api_me`` is an authenticated API call
    that reads no case (token lookup, middleware, DRF, one small response): the part of every
    read that no query shape can remove. ``p50 - floor - stack`` is what is left to the read."""
    reads, floors = report["reads"], report.get("floors", {})
    stack = reads.get("stack_api_me", {}).get("large", {}).get("p50_ms")
    bare = reads.get("stack_healthz", {}).get("large", {}).get("p50_ms")
    out: dict = {"stack_healthz_p50_ms": bare, "stack_api_me_p50_ms": stack}
    for name in READS:
        p50 = reads[name]["large"]["p50_ms"]
        floor = floors.get(name, {}).get("large", {}).get("p50_ms")
        row = {"p50_ms": p50, "sql_floor_ms": floor}
        if floor is not None and stack is not None:
            row["p50 / (sql floor + authenticated request)"] = round(p50 / (floor + stack), 3)
            row["left to the read beyond floor and stack, ms"] = round(p50 - floor - stack, 3)
        out[name] = row
    return out
