"""The window's controllers: each does one job on the session, with its Qt side.

The session (``dense_studio.session``) holds what the person works on; a controller turns
clicks into session calls and session events into what its views show, and keeps only Qt
things of its own (worker threads, loaders, timers, dialogs, QSettings). ``MainWindow``
makes them and hands them their views.
"""
