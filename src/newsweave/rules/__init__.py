"""Rules as data: the cleaner's line patterns and the outlet table live in TOML files here."""
