"""Who may be put under monitoring (中农组发〔2021〕7号), as guards whose refusals say why.

A household qualifies when its per-capita net income is below the year's monitoring line, or a
两不愁三保障 or safe-drinking-water item is unmet, or a large unavoidable expense (大额刚性支出)
is above the policy's threshold; the household procedure's exclusion rules apply as the policy
switches them. The line is policy data per year (the 2021 national floor is 6,000 yuan; a
province sets a higher one in its own policy version).
"""

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from approvals import typed_input
from approvals.exceptions import Reason
from approvals.spec import reads_inputs
from workflows.household.standards import GUARANTEE_FIELDS, exclusion_reasons

# The procedure whose policy versions hold the monitoring lines both procedures read.
INCLUSION_WORKFLOW = "monitoring_inclusion"
# The national floor of the monitoring line from 2021 (yuan a head a year), when the policy
# names no line for the year.
NATIONAL_FLOOR = Decimal("6000")
EXPENSE_LIMIT = 99_999_999  # what the case's expense column holds


def _yuan(amount) -> str:
    return f"{amount:,.0f}"


def monitoring_line(policy, year: int) -> Decimal:
    """The line of the latest year ``policy`` names up to ``year``, else the national floor."""
    lines = policy.value("monitoring_lines", {}) if policy else {}
    known = [int(named) for named in lines if int(named) <= year]
    return Decimal(str(lines[str(max(known))])) if known else NATIONAL_FLOOR


def expense_threshold(case) -> Decimal | None:
    threshold = case.policy.value("hardship_expense_threshold") if case.policy else None
    return None if threshold is None else Decimal(str(threshold))


def year_records(household, year: int):
    """The household's income and guarantee check of ``year``, and what is missing of them."""
    income = household.incomes.filter(year=year).first()
    check = household.guarantees.filter(year=year).first()
    missing = []
    if income is None:
        missing.append(Reason("no_income", _("缺少%(year)d年收入测算"), year=year))
    if check is None:
        missing.append(Reason("no_guarantee_check", _("缺少%(year)d年两不愁三保障核查"), year=year))
    return income, check, missing


def standard_reasons(case, expense: int):
    """Every reason the household, with ``expense`` yuan of hardship spending, does not qualify."""
    yield from exclusion_reasons(case)
    year = case.year
    income, check, missing = year_records(case.household, year)
    yield from missing
    if missing:
        return
    line, threshold = monitoring_line(case.policy, year), expense_threshold(case)
    if income.per_capita < line or any(not getattr(check, f) for f in GUARANTEE_FIELDS):
        return
    if threshold is not None and expense > threshold:
        return
    yield Reason(
        "not_at_risk",
        _(
            "%(year)d年人均纯收入 %(income)s 元，不低于监测标准 %(line)s 元；“两不愁三保障”和"
            "饮水安全均有保障；大额刚性支出 %(expense)s 元，未超过 %(threshold)s 元。"
            "不符合纳入监测条件"
        ),
        year=year,
        income=_yuan(income.per_capita),
        line=_yuan(line),
        expense=_yuan(expense),
        threshold=_yuan(threshold) if threshold is not None else "—",
    )


def typed_expense(data) -> int | None:
    """The expense the comparison entered: blank is none (0), anything else a whole number."""
    value = data.get("hardship_expense", "")
    if value in ("", None):
        return 0
    return typed_input.whole_number(value, 0, EXPENSE_LIMIT)


@reads_inputs
def comparison_meets_standard(case, ctx):
    """The comparison's result is written and, with the expense it found, the household
    qualifies."""
    if not str(ctx.data.get("comparison_result", "")).strip():
        yield Reason("comparison_missing", _("请填写信息比对结果"))
    expense = typed_expense(ctx.data)
    if expense is None:
        yield Reason(
            "expense_invalid",
            _("大额刚性支出必须是0到%(high)d之间的整数（元）"),
            high=EXPENSE_LIMIT,
        )
        return
    yield from standard_reasons(case, expense)


def recorded_case_meets_standard(case, ctx):
    """At the county's decision, the household still qualifies on today's data."""
    return standard_reasons(case, case.hardship_expense or 0)


def store_comparison(case, ctx):
    case.comparison_result = str(ctx.data["comparison_result"]).strip()
    case.hardship_expense = typed_expense(ctx.data)
    return ["comparison_result", "hardship_expense"]


def store_authorisation(case, ctx):
    case.authorisation_sha256 = ctx.data["authorisation_sha256"]
    return ["authorisation_sha256"]
