"""The casework engine's answers (who may record a stage and why not, what is
still unasked, what a record lacks, the status a case's records lead to),
tried as staff meet them."""
