"""Migration planning: dependency graph, task templates, business calendar, CPM and capacity-aware scheduling.

The only home of networkx. ``build_plan(inventory, start=...)`` returns a :class:`Plan` and its findings.
"""

from migrator.planning.build import PlanResult, TaskProgress, build_plan
from migrator.planning.calendar import BusinessCalendar
from migrator.planning.config import PlanningConfig, load_calendar, load_config, load_rules, load_template
from migrator.planning.graph import ExtraEdge, load_extra_edges
from migrator.planning.model import STATUSES, Plan, ScheduledTask

__all__ = [
    "STATUSES", "BusinessCalendar", "ExtraEdge", "Plan", "PlanResult", "PlanningConfig", "ScheduledTask",
    "TaskProgress", "build_plan", "load_calendar", "load_config", "load_extra_edges", "load_rules",
    "load_template",
]
