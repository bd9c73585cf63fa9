"""The shapes the API reads and answers with, as the schema documents them. Answers are built
from the same helpers the admin's pages use; these classes say what their fields are."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class ReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    reasons = ReasonSerializer(many=True)
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class CaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    workflow = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    state_label = serializers.CharField()
    state_since = serializers.DateTimeField()
    due_date = serializers.DateField(allow_null=True)
    region = RegionSerializer()
    url = serializers.CharField()


class QueueSerializer(serializers.Serializer):
    results = CaseSerializer(many=True)
    more = serializers.BooleanField(help_text=_("还有更多待办（加大 limit 或按流程分页读取）"))


class InputSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.CharField()
    choices = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))


class ActionSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    allowed = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    comment_required = serializers.BooleanField()
    kind = serializers.CharField()
    inputs = InputSerializer(many=True)


class ChangeSerializer(serializers.Serializer):
    label = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class TimelineEntrySerializer(serializers.Serializer):
    created_at = serializers.DateTimeField()
    actor = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    comment = serializers.CharField(allow_blank=True)
    changes = ChangeSerializer(many=True)


class CaseDetailSerializer(CaseSerializer):
    record = serializers.DictField(help_text=_("案件记录的各字段"))
    actions = ActionSerializer(many=True)
    on_behalf_of = serializers.IntegerField(
        allow_null=True, help_text=_("所列操作代其办理的人员编号（代办时），否则为空")
    )
    timeline = TimelineEntrySerializer(many=True)


class PerformSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=64)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    inputs = serializers.DictField(
        required=False, default=dict, help_text=_("办理时填写的各项，按名称")
    )
    state = serializers.CharField(
        max_length=64,
        required=False,
        help_text=_("客户端看到的当前状态：已被他人办理时返回 409"),
    )
    on_behalf_of = serializers.IntegerField(
        required=False, min_value=1, help_text=_("代办时，所代办人员的编号（见案件详情）")
    )


class EntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    action = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    created_at = serializers.DateTimeField()
    hash = serializers.CharField()


class PerformedSerializer(serializers.Serializer):
    entry = EntrySerializer()
    case = CaseSerializer()


class BulkSerializer(serializers.Serializer):
    action = serializers.CharField(max_length=64)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    ids = serializers.ListField(child=serializers.IntegerField(), min_length=1, max_length=500)


class RefusedCaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reasons = serializers.ListField(child=serializers.CharField())


class BulkResultSerializer(serializers.Serializer):
    done = CaseSerializer(many=True)
    refused = RefusedCaseSerializer(many=True)
    missing = serializers.IntegerField(help_text=_("不在您待办中的编号个数"))


class MemberSerializer(serializers.Serializer):
    name = serializers.CharField()
    id_number = serializers.CharField(help_text=_("无权在该村办理时打码"))
    relation = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.DateField()
    health = serializers.CharField()


class HouseholdSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    head_name = serializers.CharField()
    phone = serializers.CharField(allow_blank=True, help_text=_("无权在该村办理时打码"))
    region = RegionSerializer()
    register_status = serializers.CharField()
    register_status_label = serializers.CharField()
    poverty_attribute = serializers.CharField(allow_blank=True)
    main_cause = serializers.CharField(allow_blank=True)
    members = MemberSerializer(many=True)


class SubjectSerializer(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class NoticeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    procedure = serializers.CharField()
    step = serializers.CharField()
    region = RegionSerializer()
    subject = SubjectSerializer(many=True)
    ends_at = serializers.DateTimeField()
    time_left = serializers.CharField()
    suspended = serializers.BooleanField()
    accepts_objections = serializers.BooleanField()


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    workflow = serializers.CharField()
    procedure = serializers.CharField()
    object_id = serializers.IntegerField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    actor = serializers.CharField(allow_null=True)
    role = serializers.CharField()
    region = serializers.CharField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)
    hash = serializers.CharField()


class VerificationSerializer(serializers.Serializer):
    region = RegionSerializer(allow_null=True)
    checked = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())
    intact = serializers.BooleanField()
    verdict = serializers.CharField()


def page_of(item: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """A page of ``item``s, as the API's paginated lists answer."""
    name = item.__name__.removesuffix("Serializer")
    return type(
        f"{name}PageSerializer",
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.CharField(allow_null=True),
            "previous": serializers.CharField(allow_null=True),
            "results": item(many=True),
        },
    )
