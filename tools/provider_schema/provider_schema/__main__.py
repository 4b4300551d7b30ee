from provider_schema.cli import main

raise SystemExit(main())
