"""(being written)"""


def urls(wrap):
    return []
