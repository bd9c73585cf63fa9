"""The peer: the toy procedure's first two steps on bare django-fsm-2, logged by django-fsm-log."""
