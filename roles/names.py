"""How a person is named on pages and in downloads: by their name (family name first, as
Chinese names are written), and by their username only when no name is recorded."""


def person_name(username, first_name, last_name) -> str:
    if username is None:
        return ""
    return f"{last_name}{first_name}".strip() or username


def name_of(user) -> str:
    """``person_name`` of a user (or of nobody: "")."""
    if user is None:
        return ""
    return person_name(user.username, user.first_name, user.last_name)
