"""The real app driven by Textual's Pilot (headless), with fake speaker and listener: no real program, model or sound device."""
