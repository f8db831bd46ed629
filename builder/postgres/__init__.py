"""Host tools on a Postgres server: connection URLs, databases, client binaries, throwaway clusters, providers, the rebase."""
