"""危房改造: a procedure that lives only in the tests, added the way docs/adding-a-procedure.md
says (this folder plus one line in tests/settings.py), to prove that nothing else needs editing."""
