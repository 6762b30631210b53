"""The demo data set behind `flask seed-demo`: a believable Valledupar programme, its form and its
visits (seed.py builds it from catalogue.py, visits.py and answers.py; form/ is the XLSForm)."""
