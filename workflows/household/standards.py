"""The national standards as guards: who may be identified, who may exit, each refusal a reason.

Identification (国开办发〔2014〕24号, local rule): per-capita net income below the year's line, or
above it with 两不愁三保障 unmet, and no exclusion rule (四类人员) hit; the village-cadre rule
applies only where a province's version switches it on. Exit (厅字〔2016〕16号):
income above the line, every guarantee met, no blocking situation. Which rules and situations
apply is policy data; the line is per year and may be set per province.
"""

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from approvals.exceptions import Reason
from approvals.spec import reads_inputs

from .choices import (
    EXCLUSION_RULES,
    EXCLUSION_RULES_OFF_BY_DEFAULT,
    EXIT_BLOCKERS,
    EXIT_BLOCKERS_FOR_THE_YEAR,
    GUARANTEES,
    AssessmentClass,
    RegisterStatus,
)

GUARANTEE_FIELDS = {field for field, _message in GUARANTEES}


def _yuan(amount) -> str:
    return f"{amount:,.0f}"


def _switched_on(case, key: str, code: str, default: bool = True) -> bool:
    rules = case.policy.value(key, {}) if case.policy else {}
    return rules.get(code, default)


def _year_data(case):
    """The line, income and guarantee check for the case's year, and what is missing of them."""
    household, year = case.household, case.year
    line = case.poverty_line()
    income = household.incomes.filter(year=year).first()
    check = household.guarantees.filter(year=year).first()
    missing = []
    if line is None:
        missing.append(
            Reason(
                "no_poverty_line", _("未设置%(year)d年扶贫标准，请先在政策数据中录入"), year=year
            )
        )
    if income is None:
        missing.append(Reason("no_income", _("缺少%(year)d年收入测算"), year=year))
    if check is None:
        missing.append(Reason("no_guarantee_check", _("缺少%(year)d年两不愁三保障核查"), year=year))
    return line, income, check, missing


def _income_words(year, income, line, above: bool) -> Reason:
    words = (
        _("%(year)d年人均纯收入 %(income)s 元，已超过当年标准 %(line)s 元")
        if above
        else _("%(year)d年人均纯收入 %(income)s 元，未超过当年标准 %(line)s 元")
    )
    return Reason(
        "income_above_line" if above else "income_below_line",
        words,
        year=year,
        income=_yuan(income.per_capita),
        line=_yuan(line.amount),
    )


def exclusion_reasons(case):
    """The exclusion rules (四类人员) the case's policy switches on that its household hits; a
    rule the policy does not name is on, unless it is one of those off by default."""
    for code, message in EXCLUSION_RULES:
        applies = _switched_on(
            case, "exclusion_rules", code, default=code not in EXCLUSION_RULES_OFF_BY_DEFAULT
        )
        if applies and getattr(case.household, code):
            yield Reason("excluded", _("属于不予识别情形：%(rule)s"), rule=message)


def identification_standard(case, ctx):
    yield from exclusion_reasons(case)
    line, income, check, missing = _year_data(case)
    yield from missing
    if missing:
        return
    if income.per_capita < line.amount:
        return
    if not any(not getattr(check, field) for field in GUARANTEE_FIELDS):
        yield Reason(
            "not_poor",
            _("%(income)s，且“两不愁三保障”均有保障，不符合识别标准"),
            income=_income_words(case.year, income, line, above=True),
        )


def exit_gaps(case) -> tuple[bool | None, list[Reason]]:
    """Whether the case can exit this year (None if it cannot be told: income met and no gap
    that lasts the year), and every reason it cannot exit now."""
    household = case.household
    line, income, check, missing = _year_data(case)
    if missing:
        return None, missing
    reasons = []
    income_met = income.per_capita > line.amount
    if not income_met:
        reasons.append(_income_words(case.year, income, line, above=False))
    facts = {
        **{field: not getattr(check, field) for field in GUARANTEE_FIELDS},
        "no_policy_effect": not check.policy_effect_evident,
        "newly_included": household.identification_year == case.year,
        "dibao_below_line": household.low_income_guarantee
        and line.dibao_line is not None
        and line.dibao_line <= line.amount,
    }
    closable = income_met
    for code, message in EXIT_BLOCKERS:
        if facts[code] and _switched_on(case, "exit_blockers", code):
            reasons.append(Reason(f"exit_blocked_{code}", message))
            closable = closable and code not in EXIT_BLOCKERS_FOR_THE_YEAR
    return closable, reasons


def exit_assessment(case) -> tuple[str | None, list[str]]:
    """The pre-exit class (宕昌 2018): A income and every indicator met; B income met, with gaps
    that can be closed this year; C cannot exit this year (income not met, or a gap that lasts
    the year). The gaps as a person reads them."""
    closable, gaps = exit_gaps(case)
    reasons = [str(gap) for gap in gaps]
    if closable is None:
        return None, reasons
    if not closable:
        return AssessmentClass.C, reasons
    return (AssessmentClass.B if reasons else AssessmentClass.A), reasons


def exit_standard(case, ctx):
    """Only a class-A household passes: every reason it is not is given."""
    return exit_gaps(case)[1]


@reads_inputs
def household_consent(case, ctx):
    """The household signed the consent form, co-signed by its responsible helper (双认定); the
    form itself the engine checks and keeps as the step's evidence."""
    data = ctx.data
    if case.household.helper_id is None:
        yield Reason("no_helper", _("该户尚未确定帮扶责任人，不能办理签字认可"))
    if data.get("helper_cosigned") is not True:
        yield Reason("not_cosigned", _("签字认可表须由帮扶责任人共同签字"))
    try:
        signed = datetime.date.fromisoformat(str(data.get("signed_on", "")))
    except ValueError:
        yield Reason("signed_on_missing", _("请填写签字日期（格式：2024-03-01）"))
    else:
        if signed > timezone.localdate(ctx.now):
            yield Reason("signed_in_future", _("签字日期不能晚于今天"))


def store_consent(case, ctx):
    case.consent_form_sha256 = ctx.data["form_sha256"]
    case.consent_signed_on = datetime.date.fromisoformat(ctx.data["signed_on"])
    return ["consent_form_sha256", "consent_signed_on"]


def register_household(case, ctx):
    """Reaching 建档立卡 registers the household, or marks a return to poverty (返贫)."""
    household = case.household
    household.register_status = (
        RegisterStatus.RETURNED
        if household.register_status == RegisterStatus.EXITED
        else RegisterStatus.REGISTERED
    )
    household.identification_year = case.year
    household.save(update_fields=["register_status", "identification_year"])


def exit_household(case, ctx):
    """销号: the household leaves the register as exited in the case's year."""
    household = case.household
    household.register_status = RegisterStatus.EXITED
    household.exit_year = case.year
    household.save(update_fields=["register_status", "exit_year"])
