"""What the visits say about each Mipyme: its follow-up flags, its aggregates (counts, latest figures and
their change) and its timeline. The registry of Mipymes itself is fieldwork/registry; the summary rows
these read are kept by summary.py here."""
