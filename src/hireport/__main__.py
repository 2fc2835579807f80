from hireport.cli import main

main()
