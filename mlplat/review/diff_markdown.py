"""The architecture diff as Markdown for one pull-request comment.

Sections, in this order, each left out when it has nothing to say:

1. the summary line: counts of added, removed, replaced, renamed and changed resources, the
   policy verdicts of both sides and the monthly cost delta;
2. `### Review highlights`: every change in a review category (`mlplat.review.diff.CATEGORIES`, all but
   `other`), one table row each: what reviewers must not miss;
3. `### Diagram`: the Mermaid architecture with added, removed and changed components marked;
4. `### Changes by layer and component`: every resource change, per layer stack and top-level
   component, with its property changes (long lists collapsed in `<details>`);
5. `### Policy gate`: the verdicts, new and resolved findings;
6. `### Monthly cost`: both totals and the lines that moved.

GitHub refuses a comment longer than 65,536 characters. `render` tries the full text, then drops
detail step by step (the `other` property lines, the diagram, property lines, per-resource lines)
until the text fits the budget, and says what it left out; diff.json keeps everything.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from mlplat.review.diff import (
    CATEGORIES,
    MISSING,
    ArchitectureDiff,
    Finding,
    PropertyChange,
    ResourceChange,
    type_category,
)
from platform_cost.values import money

GITHUB_COMMENT_LIMIT = 65536
VALUE_CHARS = 160
COLLAPSE_AFTER = 6
"""A component with more lines than this shows them in a <details> block."""
HIGHLIGHT_ROWS = 40
MARK = {"added": "+", "removed": "-", "changed": "~", "renamed": ">", "replaced": "!"}
KIND_TEXT = {
    "added": "added",
    "removed": "removed",
    "changed": "changed",
    "renamed": "renamed through an alias (updated in place)",
    "replaced": "replaced: its URN changed without an alias, so `pulumi up` deletes it and creates it again",
}
LEGEND = (
    "`+` added · `-` removed · `~` changed · `>` renamed through an alias (updated in place) · "
    "`!` replaced: the URN changed without an alias, `pulumi up` deletes the old resource and creates a new one"
)
VERDICT = {"passed": "✅ passed", "blocked": "❌ blocked"}
LEVELS = ("full", "no other properties", "no diagram", "no properties", "counts only")


def marker(environment: str) -> str:
    """The first line of the Markdown: CI finds its own comment section by it."""
    return f"<!-- mlplat-diff:{environment} -->"


def value(item: Any) -> str:
    if item is MISSING:
        return "(absent)"
    text = json.dumps(item, sort_keys=True, ensure_ascii=False)
    if len(text) > VALUE_CHARS:
        text = text[: VALUE_CHARS - 1] + "…"
    return "`" + text.replace("`", "'") + "`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def change_text(change: PropertyChange) -> str:
    if change.before is MISSING:
        return f"`{change.path}` set to {value(change.after)}"
    if change.after is MISSING:
        return f"`{change.path}` removed (was {value(change.before)})"
    if _scalar_list(change.before) and _scalar_list(change.after):
        added = [v for v in change.after if v not in change.before]
        removed = [v for v in change.before if v not in change.after]
        if added or removed:
            parts = [f"added {', '.join(value(v) for v in added)}" if added else ""]
            parts.append(f"removed {', '.join(value(v) for v in removed)}" if removed else "")
            return f"`{change.path}`: " + "; ".join(p for p in parts if p)
        return f"`{change.path}`: reordered to {value(change.after)}"
    return f"`{change.path}`: {value(change.before)} → {value(change.after)}"


def _scalar_list(item: Any) -> bool:
    return isinstance(item, list) and all(isinstance(v, (str, int, float, bool)) for v in item)


def resource_title(change: ResourceChange) -> str:
    text = f"{MARK[change.kind]} `{change.type}` **{change.name}**"
    if change.old_urn and change.old_name != change.name:
        text += f" (was **{change.old_name}**)"
    elif change.old_urn:
        text += " (new parent)"
    return text


def summary_line(diff: ArchitectureDiff) -> str:
    s = diff.summary()
    parts = [f"{s[k]} {k}" for k in ("added", "removed", "replaced", "renamed", "changed")]
    text = f"`{diff.base_label}` → `{diff.head_label}`: " + ", ".join(
        f"**{p}**" if not p.startswith("0 ") else p for p in parts
    )
    text += " resource(s)"
    moved = [
        f"{s['components_added']} added",
        f"{s['components_removed']} removed",
        f"{s['components_moved']} moved",
    ]
    if any(not m.startswith("0 ") for m in moved):
        text += "; components: " + ", ".join(moved)
    if diff.policy is not None:
        base, head = diff.policy.base, diff.policy.head
        text += f" · policy gate: {VERDICT.get(base.verdict, base.verdict)} → {VERDICT.get(head.verdict, head.verdict)}"
        policy = diff.policy
        if policy.new or policy.resolved or policy.changed_findings:
            changed = f", {len(policy.changed_findings)} changed" if policy.changed_findings else ""
            text += f" ({len(policy.new)} new, {len(policy.resolved)} resolved{changed} finding(s))"
    if diff.cost is not None:
        text += (
            f" · monthly cost: {money(diff.cost.delta, cents=True, signed=True, currency=diff.cost.currency)}"
        )
        if diff.cost.base:
            text += f" ({diff.cost.delta / diff.cost.base:+.1%})"
    return text


# --- sections ----------------------------------------------------------------------------------


def highlights(diff: ArchitectureDiff) -> list[str]:
    rows: list[tuple[int, str, str, str]] = []
    for change in diff.resources:
        where = f"`{change.stack}` {change.component}: `{change.type}` {change.name}"
        if change.kind in ("added", "removed", "replaced"):
            own = {type_category(change.type)} | {
                "deletion protection" if change.protected and change.kind != "added" else None
            }
            for category in [c for c in CATEGORIES if c in own and c != "other"]:
                what = f"{KIND_TEXT[change.kind]}"
                if category == "deletion protection" and change.protected:
                    what += ": **protected or retained**, `pulumi up` stops at the delete or leaves it behind"
                rows.append((CATEGORIES.index(category), category, what, where))
        for prop in change.changes:
            if prop.category != "other":
                rows.append((CATEGORIES.index(prop.category), prop.category, change_text(prop), where))
    if not rows:
        return []
    rows.sort(key=lambda r: r[0])
    lines = ["### Review highlights", "", "| category | change | where |", "|---|---|---|"]
    shown = rows[:HIGHLIGHT_ROWS]
    lines += [f"| {c} | {_cell(what)} | {_cell(where)} |" for _, c, what, where in shown]
    if len(rows) > len(shown):
        lines += ["", f"… and {len(rows) - len(shown)} more in the changes below."]
    return [*lines, ""]


def diagram_section(mermaid: str) -> list[str]:
    return [
        "### Diagram",
        "",
        "<details><summary>The architecture with this change marked: <b>+</b> added (green), "
        "<b>-</b> removed (red, dashed), <b>~</b> changed (amber)</summary>",
        "",
        "```mermaid",
        mermaid.rstrip("\n"),
        "```",
        "",
        "</details>",
        "",
    ]


def changes_section(diff: ArchitectureDiff, level: int) -> list[str]:
    by_stack: dict[str, dict[str, list[ResourceChange]]] = defaultdict(lambda: defaultdict(list))
    for change in diff.resources:
        by_stack[change.stack][change.component].append(change)
    lines = ["### Changes by layer and component", "", LEGEND, ""]
    for stack, components in by_stack.items():
        layer = next(iter(components.values()))[0].layer
        count = sum(len(c) for c in components.values())
        lines += [f"#### {layer}: `{stack}` ({count} change(s))", ""]
        if level >= 4:
            kinds = defaultdict(int)
            for changes in components.values():
                for change in changes:
                    kinds[change.kind] += 1
            lines += [", ".join(f"{n} {k}" for k, n in kinds.items()), ""]
            continue
        for component, changes in components.items():
            component_lines: list[str] = []
            for change in changes:
                if not change.custom:
                    continue
                component_lines.append(f"- {resource_title(change)}")
                if change.how and change.kind in ("renamed", "replaced"):
                    component_lines.append(f"  - matched by {change.how}")
                if change.kind in ("removed", "replaced") and change.protected:
                    component_lines.append(
                        "  - ⚠️ **protected or retained on delete**: `pulumi up` stops at the delete (protect) "
                        "or leaves the old resource behind (retainOnDelete)"
                    )
                if level >= 3:
                    continue
                props = [*change.changes, *change.facts]
                other = [p for p in props if p.category == "other"]
                if level >= 1:
                    props = [p for p in props if p.category != "other"]
                component_lines += [f"  - {change_text(p)} ({p.category})" for p in props]
                if level >= 1 and other:
                    component_lines.append(f"  - and {len(other)} other property change(s) (in diff.json)")
            header = _component_header(component, changes)
            if len(component_lines) > COLLAPSE_AFTER:
                lines += [f"<details><summary>{header}</summary>", "", *component_lines, "", "</details>", ""]
            else:
                lines += (
                    [f"**{header}**", "", *component_lines, ""] if component_lines else [f"**{header}**", ""]
                )
    return lines


def _component_header(component: str, changes: list[ResourceChange]) -> str:
    """`Type name: 2 changed, 1 added`, with what happened to the component itself or to components in it."""
    notes = []
    for change in (c for c in changes if not c.custom):
        own = f"{change.type.rsplit(':', 1)[-1]} {change.name}" == component
        what = "component" if own else f"component {change.type.rsplit(':', 1)[-1]} {change.name}"
        if change.kind == "added":
            notes.append(f"new {what}")
        elif change.kind == "removed":
            notes.append(f"{what} removed")
        else:
            notes.append(f"{what} moved from {change.old_name} ({change.how})")
    kinds: dict[str, int] = defaultdict(int)
    for change in changes:
        if change.custom:
            kinds[change.kind] += 1
    label = component + (f" ({'; '.join(notes)})" if notes else "")
    counts = ", ".join(f"{n} {k}" for k, n in kinds.items())
    return f"{label}: {counts}" if counts else label


def _finding_line(finding: Finding) -> str:
    return f"- **{finding.level}** `{finding.rule}` ({finding.severity}) on `{finding.stack}` {finding.resource}: {_cell(finding.message)}"


def policy_section(diff: ArchitectureDiff) -> list[str]:
    policy = diff.policy
    if policy is None:
        return []
    base, head = policy.base, policy.head
    lines = [
        "### Policy gate",
        "",
        "| | base | head |",
        "|---|---|---|",
        f"| verdict | {VERDICT.get(base.verdict, base.verdict)} | {VERDICT.get(head.verdict, head.verdict)} |",
        f"| mandatory findings | {base.mandatory} | {head.mandatory} |",
        f"| advisory findings | {base.advisory} | {head.advisory} |",
        "",
    ]
    for side, text in (("base", base.note), ("head", head.note)):
        if text:
            lines += [f"{side}: {text}", ""]
    if policy.new:
        lines += [f"New findings ({len(policy.new)}):", "", *[_finding_line(f) for f in policy.new], ""]
    if policy.resolved:
        lines += [
            f"Resolved findings ({len(policy.resolved)}):",
            "",
            *[_finding_line(f) for f in policy.resolved],
            "",
        ]
    if policy.changed_findings:
        lines += [f"Changed findings ({len(policy.changed_findings)}):", ""]
        lines += [
            f"- **{h.level}** `{h.rule}` ({h.severity}) on `{h.stack}` {h.resource}: {_cell(b.message)} → "
            f"**{_cell(h.message)}**"
            for b, h in policy.changed_findings
        ]
        lines.append("")
    if policy.relevelled:
        lines += ["Enforcement level changed:", ""]
        lines += [
            f"- `{b.rule}` on `{h.stack}` {h.resource}: {b.level} → **{h.level}**"
            for b, h in policy.relevelled
        ]
        lines.append("")
    if not policy.changed:
        lines += ["No finding is new, resolved or changed.", ""]
    return lines


def cost_section(diff: ArchitectureDiff) -> list[str]:
    cost = diff.cost
    if cost is None:
        return ["### Monthly cost", "", diff.cost_note, ""] if diff.cost_note else []
    lines = [
        "### Monthly cost",
        "",
        f"{money(cost.base, cents=True, currency=cost.currency)} → {money(cost.head, cents=True, currency=cost.currency)} per month: "
        f"**{money(cost.delta, cents=True, signed=True, currency=cost.currency)}**"
        + (f" ({cost.model})" if cost.model else ""),
        "",
    ]
    moved = sorted((x for x in cost.lines if x.moved), key=lambda x: (-abs(x.delta), x.key))
    if moved:
        lines += [
            "| layer: component | base | head | delta | unpriced lines (base → head) |",
            "|---|---:|---:|---:|---|",
        ]
        lines += [
            f"| {_cell(x.key)} | {money(x.base, cents=True, currency=cost.currency)} | {money(x.head, cents=True, currency=cost.currency)} | "
            f"{money(x.delta, cents=True, signed=True, currency=cost.currency)} | "
            + (f"{x.base_unpriced} → {x.head_unpriced}" if x.base_unpriced or x.head_unpriced else "")
            + " |"
            for x in moved[:25]
        ]
        if len(moved) > 25:
            lines.append(f"| … {len(moved) - 25} more (diff.json) | | | | |")
        lines.append("")
        if any(x.head_unpriced or x.base_unpriced for x in moved):
            lines += [
                "A component with unpriced lines changed: its delta counts only the priced lines "
                "(`mlplat cost ENV` names the missing prices).",
                "",
            ]
    return lines


# --- the whole comment -------------------------------------------------------------------------


def render(
    diff: ArchitectureDiff, mermaid: str | None = None, *, max_chars: int = GITHUB_COMMENT_LIMIT
) -> str:
    """The Markdown of the diff, at the most detailed level that fits `max_chars`."""
    text = ""
    for level, name in enumerate(LEVELS):
        text = _render(diff, mermaid if level < 2 else None, level)
        if level:
            note = f"_Shortened to fit {max_chars:,} characters ({name}); the full diff is in diff.md and diff.json._"
            text = text.rstrip("\n") + "\n\n" + note + "\n"
        if len(text) <= max_chars:
            return text
    cut = text[: max(0, max_chars - 200)]
    return (
        cut[: cut.rfind("\n") + 1]
        + "\n_Cut at the size budget; the full diff is in diff.md and diff.json._\n"
    )


def _render(diff: ArchitectureDiff, mermaid: str | None, level: int) -> str:
    lines = [marker(diff.environment), f"## Architecture diff: `{diff.environment}`", ""]
    if diff.empty:
        lines += [
            f"`{diff.base_label}` → `{diff.head_label}`: no architecture change. No resource was added, removed, "
            "replaced, renamed or changed"
            + (", no policy finding is new or resolved" if diff.policy is not None else "")
            + (", and the monthly cost is the same." if diff.cost is not None else "."),
            "",
        ]
        lines += [f"_{note}_" for note in diff.notes]
        return "\n".join(lines).rstrip("\n") + "\n"
    lines += [summary_line(diff), ""]
    lines += [f"_{note}_" for note in diff.notes]
    if diff.notes:
        lines.append("")
    lines += highlights(diff)
    if mermaid:
        lines += diagram_section(mermaid)
    if diff.resources:
        lines += changes_section(diff, level)
    lines += policy_section(diff)
    lines += cost_section(diff)
    return "\n".join(lines).rstrip("\n") + "\n"
