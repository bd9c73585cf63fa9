"""What the schema says each endpoint answers when it refuses, in the API's one error shape."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse

from .serializers import ErrorSerializer

MEANINGS = {
    400: _("输入有误（各字段的错误在 fields 中）"),
    401: _("未登录，或令牌无效、已过期、已撤销"),
    403: _("没有权限（reasons 说明原因）"),
    404: _("不存在，或不在您的辖区内"),
    405: _("不支持该请求方法"),
    409: _("该案件已被他人处理（reasons 说明当前状态）"),
    422: _("当前不能办理（reasons 列出各项原因）"),
    429: _("请求过于频繁，请稍后再试"),
}
SIGNED_IN = (401, 403, 405, 429)


def refusals(*statuses: int) -> dict:
    """The error responses of a signed-in endpoint, with ``statuses`` besides."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=MEANINGS[status])
        for status in sorted({*SIGNED_IN, *statuses})
    }


def public_refusals(*statuses: int) -> dict:
    """The error responses of an endpoint anyone may read."""
    return {
        status: OpenApiResponse(ErrorSerializer, description=MEANINGS[status])
        for status in sorted({405, 429, *statuses})
    }
