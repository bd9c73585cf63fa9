"""Identifying registered poor households (识别, 两公示一公告) and their exit (退出, 销号)."""
