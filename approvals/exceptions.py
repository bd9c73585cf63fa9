"""What ``approvals.perform`` raises when an action cannot be taken; nothing has changed then."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied


class PermissionDenied(DjangoPermissionDenied):
    """The user does not hold a role that may take this action in the object's region."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("；".join(self.reasons))


class TransitionNotAllowed(Exception):
    """The action is not available now; ``reasons`` says why in words a cadre understands."""

    def __init__(self, reasons: list[str]):
        self.reasons = list(reasons)
        super().__init__("；".join(self.reasons))


class ConflictError(Exception):
    """The object changed under the caller (someone else acted first); reload and try again."""

    def __init__(self, reason: str):
        self.reasons = [reason]
        super().__init__(reason)
