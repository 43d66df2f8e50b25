# The stage `cap production ...` names. run_locally needs no server; one is declared anyway, as
# every real stage file does.
server "localhost", roles: %w[app]
