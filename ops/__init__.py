"""The edges an operator runs, apart from the core (policybot/): the command line (`policybot`), the servers
(training the Rasa model, starting, supervising and fronting both servers, retention of conversations, log
hygiene) and the measurements (eval, converse, bench)."""
