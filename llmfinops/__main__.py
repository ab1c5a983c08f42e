from llmfinops.cli import main

main()
