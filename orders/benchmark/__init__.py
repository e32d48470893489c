"""`manage.py bench`: the scale benchmark of issue 5, in parts the command puts together."""
