"""The window's controllers: each owns one job's state and talks to its views.

They hold no layout. ``MainWindow`` makes them, hands them their views and wires their
signals; the Qt-free session model can later take over the state each one keeps.
"""
