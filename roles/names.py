"""How a person is named on pages: their name as the county wrote it, else their username."""


def name_of(user) -> str:
    if user is None:
        return ""
    return f"{user.last_name}{user.first_name}".strip() or user.username
