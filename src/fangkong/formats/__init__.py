"""Date formats where Django's own differ from what the bureau writes (settings.FORMAT_MODULE_PATH)."""
