"""`python -m gdtui` is the `gdtui` command."""

from gdtui.cli import main

raise SystemExit(main())
