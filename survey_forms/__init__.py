"""Survey definitions (versioned data) turned into pages, WTForms forms, validation and skip logic.

It knows nothing of Flask's app state; the web app renders what it builds.
"""
