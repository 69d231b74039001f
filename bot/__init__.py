"""Core of migrasi-aman: channel-neutral messages, the dialog engine, configuration and CLI."""
