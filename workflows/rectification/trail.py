"""A problem's audit trail as the site's timeline shows it (``admin_site.timeline``), with the
rectification's own events, states and units named, and each file a step kept linked for
download through the entry that kept it."""

from admin_site import files
from admin_site.timeline import timeline
from approvals import evidence

from .choices import Event, ProblemState

EVENTS = dict(Event.choices)
STATES = dict(ProblemState.choices)


def problem_timeline(problem) -> list[dict]:
    rows = timeline(problem)
    for row in rows:
        entry = row["entry"]
        data = entry.data if isinstance(entry.data, dict) else {}
        # The rectification's own events; an edit or a chain's start as the site names them.
        label = str(EVENTS.get(entry.action, row["action"]))
        unit = data.get("unit_name")
        row["action"] = f"{label}（{unit}）" if unit else label
        moved = entry.from_state != entry.to_state
        row["from_state"] = str(STATES.get(entry.from_state, "")) if moved else ""
        row["to_state"] = str(STATES.get(entry.to_state, ""))
        row["files"] = [files.describe(problem, f) for f in evidence.files_in(data)]
    return rows
