import MedgemmaCLI

MedgemmaCommand.main()
