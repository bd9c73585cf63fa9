"""The public notice board: running notices without login, and the objection form."""
