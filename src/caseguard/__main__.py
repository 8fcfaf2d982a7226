from caseguard.cli import main

main()
