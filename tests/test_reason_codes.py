"""Every refusal's reasons are codes with parameters: the refused person reads them in their
language, the security log keeps the codes, and an auditor reads them in the auditor's language
whatever language the refused person used."""

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.urls import reverse
from django.utils import translation

from approvals import perform, record_edit
from approvals.exceptions import (
    ConflictError,
    PermissionDenied,
    Reason,
    Refusal,
    TransitionNotAllowed,
)
from approvals.models import SecurityEvent
from approvals.system import system_user
from tests.factories import ProjectApplicationFactory, ToyCaseFactory
from workflows.project_library.demo import MEETING, advance

CHINESE = "当前状态“草稿”不能执行“审核通过”"
ENGLISH = "“Approve (township)” is not possible in the state “Draft”"


def security_log(client, user, language) -> str:
    client.force_login(user)
    page = client.get(reverse("admin:inspector_security"), HTTP_ACCEPT_LANGUAGE=language)
    return page.content.decode()


@pytest.fixture
def draft(county, people):
    return ProjectApplicationFactory(region=county.v11, creator=people.cadre)


def test_refused_in_english_read_in_chinese_by_the_auditor(client, people, draft):
    with translation.override("en"), pytest.raises(TransitionNotAllowed) as refused:
        perform(draft, "township_approve", people.reviewer)
    assert refused.value.reasons == [ENGLISH]  # what the refused person read
    page = security_log(client, people.auditor, "zh-hans")
    assert CHINESE in page and ENGLISH not in page


def test_refused_in_chinese_read_in_english_by_the_auditor(client, people, draft):
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(draft, "township_approve", people.reviewer)
    assert refused.value.reasons == [CHINESE]
    page = security_log(client, people.auditor, "en")
    assert ENGLISH in page and CHINESE not in page


def test_the_log_keeps_codes_and_parameters(people, draft):
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(draft, "township_approve", people.reviewer)
    with pytest.raises(PermissionDenied):
        perform(draft, "submit_for_deliberation", people.outsider)
    assert refused.value.codes == ["wrong_state"]
    wrong_state, no_role = SecurityEvent.objects.order_by("pk")
    assert wrong_state.reason_codes == ["wrong_state"]
    assert wrong_state.reason_records[0]["params"]["state"] == {"msgid": "草稿"}
    assert no_role.reason_codes == ["no_role"]


def test_a_phrase_inside_a_reason_is_read_in_the_readers_language_too(people, county):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "village_notice")
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(project, "close_notice", system_user())
    assert refused.value.codes == ["notice_not_over"]
    assert "天" in refused.value.reasons[0]
    with translation.override("en"):
        (english,) = SecurityEvent.objects.get().reasons_as_read()
    assert english.startswith("The notice period runs until ") and " days " in english
    assert "天" not in english and "小时" not in english  # the time left is English too


def test_a_person_taking_a_timers_action_is_told_the_system_takes_it(people, county):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    advance(project, people, "village_notice")
    with pytest.raises(PermissionDenied) as refused:
        perform(project, "close_notice", people.cadre)
    assert refused.value.reasons == ["“公示期满”由系统自动执行"]
    assert refused.value.codes == ["timer_only"]
    assert SecurityEvent.objects.get().reason_codes == ["timer_only"]


def test_a_guards_reasons_have_codes_and_read_the_same(people, county):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    perform(project, "submit_for_deliberation", people.cadre)
    meeting = {**MEETING, "attendees": 10, "votes_for": 9}
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(project, "record_deliberation", people.cadre, data=meeting)
    assert refused.value.codes == ["no_quorum"]
    assert refused.value.reasons == ["实到10人，未达到应到代表30人的三分之二（20人）"]
    with translation.override("en"):
        read = SecurityEvent.objects.get().reasons_as_read()
    assert read == ["10 attended, fewer than two thirds of the 30 representatives (20)"]


def test_events_logged_before_codes_keep_their_words(client, people, county):
    SecurityEvent.objects.create(
        kind=SecurityEvent.Kind.PERMISSION,
        workflow="project_library",
        action="submit",
        region=county.v11,
        reasons=["旧的拒绝原因"],
    )
    assert "旧的拒绝原因" in security_log(client, people.auditor, "en")


def test_an_edit_refused_is_logged_with_its_code(people, county):
    project = ProjectApplicationFactory(region=county.v11, creator=people.cadre)
    project.name = "改名"
    with pytest.raises(PermissionDenied) as refused:
        record_edit(project, people.reviewer, ["name"])
    assert refused.value.codes == ["not_your_step"]
    with translation.override("en"):
        (read,) = SecurityEvent.objects.get(action="edit").reasons_as_read()
    assert "Draft" in read and "草稿" not in read


def test_every_refusal_is_a_refusal_and_a_denied_permission_djangos(county, people):
    assert issubclass(PermissionDenied, DjangoPermissionDenied)
    for refusal in (PermissionDenied, TransitionNotAllowed, ConflictError):
        assert issubclass(refusal, Refusal)
    case = ToyCaseFactory(region=county.v11, creator=people.cadre)
    with pytest.raises(Refusal) as refused:
        perform(case, "approve", people.cadre)
    assert isinstance(refused.value.reasons[0], str)


def test_a_reason_renders_when_read():
    reason = Reason("wrong_state", translation.gettext_lazy("草稿"))
    with translation.override("en"):
        assert str(reason) == "Draft"
    assert str(reason) == "草稿"
    assert Reason.from_record(reason.as_record()) == reason
