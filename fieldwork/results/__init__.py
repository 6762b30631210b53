"""Programme results: what the programme set out to change, per business, from its baseline visit to
its latest (API.md, "Programme results"). `catalogue` names the indicators, `definitions` says in pure
functions what counts and how, and the rest computes it in SQL from the kept per-Mipyme rows."""
