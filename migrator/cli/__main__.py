from migrator.cli.main import main

main()
