from incidentbot.cli import main

raise SystemExit(main())
