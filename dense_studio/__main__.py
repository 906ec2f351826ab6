"""`python -m dense_studio` is the same as the `dense-studio` command."""

from dense_studio.cli import main

raise SystemExit(main())
