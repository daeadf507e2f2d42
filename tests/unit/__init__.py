"""Unit tests: the core and pure helpers, no app, no program, no model, no sound device."""
